"""The compute API (``POST /v2.1/os-server-external-events``), as the volume
service tells compute a reimage of a volume reserved for a server ended
(``volume-reimaged``, tag the volume id, status ``completed`` or
``failed``; compute 2.93).

Events go as the volume service's own user (``[service_user]``, which
holds the service role the compute policy asks for; the catalog entry as
``[nova]`` says), never as the user who asked for the work: a user may not
send server events.  A compute API that is
away is asked again a few times; then the event is dropped and logged (the
server's rebuild then fails at its reimage timeout).
"""

import time

from oslo_config import cfg
from oslo_log import log as logging

from common import server_events, service_auth

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
#: the first compute microversion that knows ``volume-reimaged``
MICROVERSION = '2.93'
RETRIES = 2
BACKOFF = 1.0


class ComputeClient:
    def __init__(self, sleep=time.sleep):
        self._sleep = sleep

    def _post(self, events):
        return server_events.post(
            service_auth.session(), events,
            service_auth.endpoint_filter('nova', 'compute'),
            headers={'OpenStack-API-Version': 'compute %s' % MICROVERSION})

    def send_events(self, events):
        """Deliver ``events``; False when compute could not be reached."""
        if not events:
            return True
        for attempt in range(RETRIES + 1):
            if attempt:
                self._sleep(BACKOFF * 2 ** (attempt - 1))
            try:
                if self._post(events):
                    return True
            except Exception:
                LOG.exception('Sending %d server events to compute failed', len(events))
        LOG.warning('Dropped server events after %d attempts: %s', RETRIES + 1,
                    ', '.join('%s:%s for %s' % (e['name'], e['tag'], e['server_uuid'])
                              for e in events))
        return False

    def volume_reimaged(self, server_ids, volume_id, ok):
        """``volume-reimaged`` for each server the volume is reserved for."""
        return self.send_events([
            {'name': 'volume-reimaged', 'server_uuid': server_id, 'tag': volume_id,
             'status': 'completed' if ok else 'failed'} for server_id in server_ids])
