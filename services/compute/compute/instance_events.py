"""Events a compute host waits for from other services.

The network service reports a port wired by ``POST /os-server-external-events``
(``network-vif-plugged`` with the port id as ``tag``); the API forwards each
event to the server's host (compute RPC ``external_instance_event``), which
hands it to :meth:`InstanceEvents.deliver`. A build registers the events it
expects (:meth:`InstanceEvents.expect`) *before* it starts the guest, so an
event that arrives while the guest is still being started is kept; one
nobody registered for is dropped, as nova does.
"""

import contextlib
import threading

COMPLETED, FAILED, IN_PROGRESS = 'completed', 'failed', 'in-progress'


class Waiter:
    """The events one action of one server waits for."""

    def __init__(self, instance_uuid, keys):
        self.instance_uuid = instance_uuid
        self.expected = list(keys)
        self.pending = set(self.expected)
        self.failed = None      # (name, tag) of an event reported failed
        self.cancelled = None   # why the wait was called off
        self._done = threading.Event()
        if not self.pending:
            self._done.set()

    def wait(self, timeout):
        """Block until every event arrived, one failed or the wait was
        cancelled (True), or ``timeout`` seconds passed (False)."""
        return self._done.wait(timeout)

    def missing(self):
        """Tags of the events not received, in the order they were expected."""
        return [tag for name, tag in self.expected if (name, tag) in self.pending]

    def _receive(self, key, status):
        if status == FAILED:
            self.failed = key
            self._done.set()
        elif status == COMPLETED:
            self.pending.discard(key)
            if not self.pending:
                self._done.set()
        # in-progress: still waiting

    def _cancel(self, reason):
        self.cancelled = reason
        self._done.set()


class InstanceEvents:
    """Registry of a host's waiters, keyed by server."""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiters = {}

    @contextlib.contextmanager
    def expect(self, instance_uuid, keys):
        """Register a :class:`Waiter` for ``keys`` (``(name, tag)`` pairs)
        while the block runs."""
        waiter = Waiter(instance_uuid, keys)
        if waiter.pending:
            with self._lock:
                self._waiters.setdefault(instance_uuid, []).append(waiter)
        try:
            yield waiter
        finally:
            with self._lock:
                waiters = self._waiters.get(instance_uuid, [])
                if waiter in waiters:
                    waiters.remove(waiter)
                if not waiters:
                    self._waiters.pop(instance_uuid, None)

    def deliver(self, instance_uuid, name, tag, status):
        """Hand an event to the waiter expecting it; False when none does."""
        key = (name, tag)
        with self._lock:
            for waiter in self._waiters.get(instance_uuid, ()):
                if key in waiter.pending:
                    waiter._receive(key, status)
                    return True
        return False

    def cancel(self, instance_uuid, reason):
        """Wake every waiter of the server (it is being deleted)."""
        with self._lock:
            for waiter in self._waiters.get(instance_uuid, ()):
                waiter._cancel(reason)

    def waiting(self, instance_uuid):
        with self._lock:
            return bool(self._waiters.get(instance_uuid))
