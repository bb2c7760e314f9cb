"""Revocation events on the message bus: identity publishes, APIs listen.

Events travel as oslo.messaging fanout casts on ``[revocation] topic``.
Every listening process declares its own fanout queue (named with a random
suffix, deleted when the process closes its connection, expired by the
broker when a process dies), so every worker of every API gets every event.

Neither side may make the API depend on the bus:

* identity queues each event and one background thread sends it, with a
  few retries; an event that cannot be sent is logged and dropped;
* an API's listener connects in the background; until it does (and after
  a lost connection) the API behaves as without events: cached tokens live
  for ``[keystone_authtoken] token_cache_time``.  The listener also fetches
  recent events from identity (``GET /v3/OS-REVOKE/events``) once it
  consumes and every ``[revocation] resync_interval``, which brings in
  whatever the bus lost.
"""

import datetime
import queue
import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from common import rpc
from common.revocation import model

LOG = logging.getLogger(__name__)

#: version of the cast below; bump the minor for additive changes
API_VERSION = '1.0'
_SEND_RETRIES = 3
_MAX_QUEUED = 10000
_RESTART_DELAY = 5.0
#: say so when the listener is still not consuming after this many seconds
_CONNECT_WARNING = 10.0
#: how far a resync looks back behind the newest event it has seen
_RESYNC_OVERLAP = datetime.timedelta(seconds=60)


def get_transport(conf):
    """A transport of its own for ``[revocation] transport_url`` (or the
    default bus), created in the process that uses it (after any fork)."""
    rpc.register_opts(conf)
    return messaging.get_rpc_transport(conf, url=conf.revocation.transport_url)


class Publisher:
    """Casts the events identity records to every listening API."""

    def __init__(self, conf, transport=None):
        self.conf = conf
        self._transport = transport
        self._queue = queue.Queue(_MAX_QUEUED)
        self._thread = None
        self._lock = threading.Lock()

    def publish(self, event):
        """Queue ``event`` (an identity event dict); never blocks."""
        self._ensure_thread()
        try:
            self._queue.put_nowait(model.to_wire(event))
        except queue.Full:
            LOG.warning('Revocation event queue full; event for %s not published',
                        _describe(event))

    def stop(self, timeout=5):
        """Send what is queued, then end the sender thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def _ensure_thread(self):
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name='revocation-publisher',
                                                daemon=True)
                self._thread.start()

    def _client(self):
        transport = self._transport or get_transport(self.conf)
        target = messaging.Target(topic=self.conf.revocation.topic, fanout=True,
                                  version=API_VERSION)
        return messaging.get_rpc_client(transport, target).prepare(retry=_SEND_RETRIES)

    def _run(self):
        client = None
        while True:
            wire = self._queue.get()
            if wire is None:
                return
            try:
                if client is None:
                    client = self._client()
                client.cast({}, 'revocation_event', event=wire)
            except Exception as exc:  # the bus must never take the sender down
                LOG.warning('Revocation event for %s not published (%s); APIs fetch it '
                            'at their next resync', _describe(wire), exc)


class Endpoint:
    """The listener's RPC endpoint."""

    target = messaging.Target(version=API_VERSION)

    def __init__(self, events):
        self.events = events

    def revocation_event(self, ctxt, event):
        try:
            self.events.add(model.from_wire(event))
        except ValueError as exc:
            LOG.warning('Ignored a malformed revocation event: %s', exc)
            return
        LOG.info('Revocation event received from the bus')


class Listener:
    """Fills a :class:`model.RecentEvents` from the bus and from identity.

    :param fetch: ``since -> [event]`` from identity, or None (bus only).
    :param server: RPC server name, ``[DEFAULT] host`` by default.  The
        fanout queue is per process whatever the name; a stable name keeps
        the broker from collecting one topic queue per restart.
    """

    def __init__(self, conf, events, fetch=None, transport=None, server=None):
        self.conf = conf
        self.server = server or conf.host
        self.events = events
        self.fetch = fetch
        self._transport = transport
        self._server = None
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._newest = None        # newest revoked_at a fetch returned
        self.consuming = False

    def start(self):
        threading.Thread(target=self._serve, name='revocation-listener',
                         daemon=True).start()
        if self.fetch is not None:
            threading.Thread(target=self._resync_loop, name='revocation-resync',
                             daemon=True).start()

    def stop(self):
        self._stopped.set()
        self._wake.set()
        if self._server is not None:
            self._server.stop()
            self._server.wait()
            self._server = None
        self.consuming = False

    # -- bus -----------------------------------------------------------------
    def _serve(self):
        target = messaging.Target(topic=self.conf.revocation.topic, server=self.server)
        while not self._stopped.is_set():
            try:
                if self._transport is None:
                    self._transport = get_transport(self.conf)
                server = messaging.get_rpc_server(
                    self._transport, target, [Endpoint(self.events)], executor='threading',
                    access_policy=messaging.DefaultRPCAccessPolicy)
                warning = threading.Timer(_CONNECT_WARNING, self._warn_not_consuming)
                warning.daemon = True
                warning.start()
                try:
                    server.start()   # returns once our fanout queue is consumed
                finally:
                    warning.cancel()
            except Exception as exc:
                LOG.error('Revocation listener not connected (%s): revoked tokens stay '
                          'usable here until their cache entry expires; retrying in '
                          '%.0f s', exc, _RESTART_DELAY)
                self._stopped.wait(_RESTART_DELAY)
                continue
            self._server = server
            self.consuming = True
            LOG.info('Revocation listener consuming topic %s', target.topic)
            self._wake.set()     # fetch what went by while we connected
            return

    def _warn_not_consuming(self):
        interval = self.conf.revocation.resync_interval
        LOG.warning('Revocation listener not connected to the bus after %.0f s (still '
                    'trying): revoked tokens stay usable here until their cache entry '
                    'expires%s', _CONNECT_WARNING,
                    ' or the next fetch from identity (every %d s)' % interval
                    if self.fetch is not None and interval else '')

    # -- resync from identity ------------------------------------------------------
    def _resync_loop(self):
        while not self._stopped.is_set():
            self.resync()
            interval = self.conf.revocation.resync_interval
            self._wake.wait(interval if interval > 0 else None)
            self._wake.clear()

    def resync(self):
        """Fetch events newer than the last fetch (or than the keep window)."""
        if self._newest is not None:
            since = self._newest - _RESYNC_OVERLAP
        else:
            since = model.utcnow() - datetime.timedelta(seconds=self.events.keep)
        try:
            fetched = self.fetch(since)
        except Exception as exc:
            LOG.warning('Could not fetch revocation events from identity: %s', exc)
            return False
        added = 0
        for event in fetched:
            added += bool(self.events.add(event))
            if self._newest is None or event['revoked_at'] > self._newest:
                self._newest = event['revoked_at']
        if added:
            LOG.info('Fetched %d revocation event(s) from identity', added)
        return True


def identity_fetcher(auth_protocol, conf):
    """``since -> [event]`` over ``GET /v3/OS-REVOKE/events`` with
    keystonemiddleware's own service credentials and session."""
    from keystoneauth1 import adapter

    session = getattr(auth_protocol, '_session', None)
    plugin = getattr(auth_protocol, '_auth', None)
    if session is None or plugin is None:
        LOG.warning('keystonemiddleware has no service session; revocation events '
                    'arrive by the bus only')
        return None
    group = conf.keystone_authtoken
    identity = adapter.Adapter(session, auth=plugin, service_type='identity',
                               interface=group.interface, region_name=group.region_name,
                               version=(3, 0))

    def fetch(since):
        resp = identity.get('/OS-REVOKE/events', params={'since': model.format_time(since)},
                            raise_exc=True)
        events = []
        for data in resp.json().get('events', ()):
            try:
                events.append(model.from_wire(data))
            except ValueError as exc:
                LOG.warning('Ignored a malformed revocation event from identity: %s', exc)
        return events

    return fetch


def _describe(event):
    keys = [k for k in model.MATCH_KEYS if event.get(k)]
    return ', '.join(keys) or 'every token'
