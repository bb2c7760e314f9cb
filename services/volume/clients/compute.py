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

from keystoneauth1 import exceptions as ks_exc
from oslo_config import cfg
from oslo_log import log as logging

from common import service_auth

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
        """True when compute answered (whatever it made of each event),
        False when the request should be sent again."""
        session = service_auth.session()
        try:
            resp = session.post('/os-server-external-events', json={'events': events},
                                endpoint_filter=service_auth.endpoint_filter('nova', 'compute'),
                                raise_exc=False,
                                headers={'OpenStack-API-Version': 'compute %s' % MICROVERSION},
                                connect_retries=0)
        except ks_exc.EndpointNotFound as exc:
            LOG.warning('No compute endpoint for %d server events: %s', len(events), exc)
            session.invalidate()  # a newer token's catalog may have it
            return False
        except ks_exc.ClientException as exc:
            LOG.warning('Compute API unreachable for %d server events: %s', len(events), exc)
            return False
        if resp.status_code >= 500:
            LOG.warning('Compute API answered %d to %d server events', resp.status_code,
                        len(events))
            return False
        if resp.status_code >= 400 and resp.status_code != 404:
            LOG.error('Compute API refused %d server events: %d %s', len(events),
                      resp.status_code, resp.text[:200])
        elif resp.status_code == 404:
            LOG.info('Compute knows none of the servers of %d events', len(events))
        return True

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
