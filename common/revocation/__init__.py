"""Token revocation that reaches every API at once.

Identity records revocation events (``services/identity/core/revoke.py``)
and publishes each one on the message bus (:mod:`.bus`).  Every API that
validates tokens with keystonemiddleware keeps the recent events
(:class:`.model.RecentEvents`, filled by one :class:`.bus.Listener` per
process) and refuses the tokens they match (:mod:`.middleware`) instead of
trusting keystonemiddleware's cache.  ``common.wsgi.build_app`` calls
:func:`attach` on its keystonemiddleware instance.
"""

import threading

from oslo_log import log as logging

from common.revocation import bus
from common.revocation import middleware
from common.revocation import model

LOG = logging.getLogger(__name__)

#: kept beyond the token cache time: validations in flight, clock steps
KEEP_MARGIN = 60

_lock = threading.Lock()
_process = {}   # 'events' and 'listener' of this process


def attach(auth_protocol, conf):
    """Check the tokens ``auth_protocol`` (keystonemiddleware's AuthProtocol)
    lets through against this process's revocation events; starts the
    process's listener on first use.  Returns ``auth_protocol``."""
    if not conf.revocation.enabled:
        return auth_protocol
    events = process_events(conf, auth_protocol)
    auth_protocol._app = middleware.RevocationCheck(auth_protocol._app, events,
                                                    auth_protocol)
    return auth_protocol


def process_events(conf, auth_protocol=None):
    """This process's RecentEvents; the first call starts its listener
    (after a fork: each worker has its own)."""
    with _lock:
        if 'events' not in _process:
            keep = max(conf.keystone_authtoken.token_cache_time, 0) + KEEP_MARGIN
            events = model.RecentEvents(keep=keep, max_events=conf.revocation.max_events)
            fetch = bus.identity_fetcher(auth_protocol, conf) if auth_protocol else None
            listener = bus.Listener(conf, events, fetch=fetch)
            listener.start()
            _process.update(events=events, listener=listener)
        return _process['events']


def reset():
    """Stop this process's listener and forget its events (tests)."""
    with _lock:
        listener = _process.pop('listener', None)
        _process.clear()
    if listener is not None:
        listener.stop()
