"""One request to compute's ``POST /v2.1/os-server-external-events``, as the
network service (port events) and the volume service (``volume-reimaged``)
send it: what compute answered decides whether the batch is asked again.
Retrying, batching and credentials stay with the caller."""

from keystoneauth1 import exceptions as ks_exc
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def post(session, events, endpoint_filter, headers=None):
    """POST ``events`` with keystoneauth ``session``.  True when compute
    answered (whatever it made of each event), False when the request should
    be sent again (no endpoint, unreachable, 5xx)."""
    try:
        resp = session.post('/os-server-external-events', json={'events': events},
                            endpoint_filter=endpoint_filter, headers=headers,
                            raise_exc=False, connect_retries=0)
    except ks_exc.EndpointNotFound as exc:
        LOG.warning('No compute endpoint for %d server events: %s', len(events), exc)
        session.invalidate()  # the catalog came with the token: a newer one may have it
        return False
    except ks_exc.ClientException as exc:
        LOG.warning('Compute API unreachable for %d server events: %s', len(events), exc)
        return False
    if resp.status_code >= 500:
        LOG.warning('Compute API answered %d to %d server events', resp.status_code,
                    len(events))
        return False
    if resp.status_code in (200, 207):
        for event in resp.json().get('events', []):
            if event.get('code') != 200:
                LOG.info('Compute refused %s:%s for %s (%s)', event.get('name'),
                         event.get('tag'), event.get('server_uuid'), event.get('code'))
    elif resp.status_code == 404:
        LOG.info('Compute knows none of the servers of %d events', len(events))
    else:
        LOG.error('Compute API refused %d server events: %d %s', len(events),
                  resp.status_code, resp.text[:200])
    return True
