"""Port events for compute (``POST /v2.1/os-server-external-events``).

Compute starts a new guest paused and resumes it only once the network
service reported each of its ports wired (``network-vif-plugged``). The
conductor sends that when an agent reports a port of a server (device_owner
``compute:*``, bound to a host) ACTIVE, ``network-vif-unplugged`` when it
goes DOWN, and ``network-vif-deleted`` when such a port is deleted;
``network-changed`` when a floating IP is associated to or disassociated
from such a port (also by its deletion), so compute refreshes the server's
addresses.

The RPC handler that changed the port only queues the event
(:meth:`NovaNotifier.queue`); one sender thread per conductor process
gathers what arrives within ``[DEFAULT] send_events_interval`` into one
request as the network service user of ``[nova]``. A compute API that is
slow or down therefore never holds up a port update: a request that fails
is retried (``RETRIES`` times, backing off) and then logged and dropped,
and past ``MAX_QUEUED`` waiting events the oldest are dropped. A dropped
``network-vif-plugged`` costs a build its ``vif_plugging_timeout``, never
a wrong state.
"""

import collections
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging

from common import server_events

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

PLUGGED, UNPLUGGED, DELETED = ('network-vif-plugged', 'network-vif-unplugged',
                               'network-vif-deleted')
CHANGED = 'network-changed'
RETRIES = 3
MAX_QUEUED = 10000
BACKOFF = 1.0


def _server_of(port):
    """The server whose port this is, or None (not a bound compute port)."""
    if not (port.get('device_owner') or '').startswith('compute:'):
        return None
    return port.get('device_id') or None


def status_event(port):
    """The event an agent's status report of ``port`` (its dict after the
    change) means for compute, or None."""
    server = _server_of(port)
    if server is None or not port.get('binding:host_id'):
        return None
    name = {'ACTIVE': PLUGGED, 'DOWN': UNPLUGGED}.get(port.get('status'))
    if name is None:
        return None
    return {'name': name, 'server_uuid': server, 'tag': port['id'], 'status': 'completed'}


def delete_event(port):
    """``network-vif-deleted`` for a deleted server port, or None."""
    server = _server_of(port)
    if server is None:
        return None
    return {'name': DELETED, 'server_uuid': server, 'tag': port['id'], 'status': 'completed'}


def changed_event(port):
    """``network-changed`` for a server port whose addresses changed (a
    floating IP came or went), or None. Bound or not: compute answers for a
    server on no host itself."""
    server = _server_of(port)
    if server is None:
        return None
    return {'name': CHANGED, 'server_uuid': server, 'tag': port['id'], 'status': 'completed'}


class ComputeEventsClient:
    """Sends one batch to compute with keystoneauth, as ``[nova]`` says."""

    def __init__(self, auth):
        from keystoneauth1 import loading as ks_loading
        self.session = ks_loading.load_session_from_conf_options(CONF, 'nova', auth=auth)

    def send(self, events):
        """True when compute answered; False when the request should be tried again."""
        endpoint = {'service_type': 'compute', 'interface': CONF.nova.endpoint_type}
        if CONF.nova.region_name:
            endpoint['region_name'] = CONF.nova.region_name
        return server_events.post(self.session, events, endpoint)


class NovaNotifier:
    def __init__(self, send=None, interval=None, sleep=time.sleep):
        """``send(events) -> bool`` delivers a batch (``False``: try again);
        by default a :class:`ComputeEventsClient` made on first use, or
        nothing at all when ``[nova]`` has no credentials."""
        self._send = send
        self._interval = interval
        self._sleep = sleep
        self._lock = threading.Lock()
        self._pending = collections.deque()
        self._wakeup = threading.Event()
        self._thread = None
        self._disabled = False
        self._sending = False

    # -- what the RPC handlers call ------------------------------------------------
    def port_status_changed(self, port):
        if CONF.notify_nova_on_port_status_changes:
            self.queue(status_event(port))

    def port_deleted(self, port):
        if CONF.notify_nova_on_port_status_changes:
            self.queue(delete_event(port))

    def port_addresses_changed(self, port):
        if CONF.notify_nova_on_port_data_changes:
            self.queue(changed_event(port))

    def queue(self, event):
        """Queue ``event`` (a dict, or None for nothing) and return at once."""
        if event is None or self._disabled:
            return
        with self._lock:
            if self._send is None and not self._set_up():
                return
            if len(self._pending) >= MAX_QUEUED:
                dropped = self._pending.popleft()
                LOG.warning('Too many port events waiting for compute: dropped %s:%s for %s',
                            dropped['name'], dropped['tag'], dropped['server_uuid'])
            self._pending.append(event)
            if self._thread is None:
                # Started in the process that queues: after a fork, in the worker.
                self._thread = threading.Thread(target=self._run, name='nova-notifier',
                                                daemon=True)
                self._thread.start()
        self._wakeup.set()

    def _set_up(self):
        from keystoneauth1 import loading as ks_loading
        auth = ks_loading.load_auth_from_conf_options(CONF, 'nova')
        if auth is None:
            LOG.warning('[nova] has no auth_type: compute is not told about port events '
                        '(its builds wait vif_plugging_timeout for network-vif-plugged)')
            self._disabled = True
            return False
        self._send = ComputeEventsClient(auth).send
        return True

    # -- the sender thread -------------------------------------------------------------
    def _run(self):
        while True:
            self._wakeup.wait()
            interval = (CONF.send_events_interval if self._interval is None
                        else self._interval)
            if interval:
                self._sleep(interval)  # gather what else arrives
            with self._lock:
                self._wakeup.clear()
                batch = list(self._pending)
                self._pending.clear()
                self._sending = bool(batch)
            try:
                if batch:
                    self._deliver(batch)
            finally:
                self._sending = False

    def _deliver(self, batch):
        for attempt in range(1, RETRIES + 2):
            try:
                if self._send(batch):
                    return
            except Exception:
                LOG.exception('Sending %d port events to compute failed', len(batch))
            if attempt <= RETRIES:
                self._sleep(BACKOFF * 2 ** (attempt - 1))
        LOG.warning('Dropped %d port events after %d attempts: %s', len(batch), RETRIES + 1,
                    ', '.join('%s:%s' % (e['name'], e['tag']) for e in batch[:10]))

    def flush(self, timeout=10):
        """Test hook: wait until nothing is queued (sent or dropped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not (self._pending or self._sending or self._wakeup.is_set()):
                    return True
            time.sleep(0.01)
        return False
