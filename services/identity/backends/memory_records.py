"""In-memory record driver: one instance per record kind."""

import copy
import threading

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import filtering
from services.identity.backends import shapes


class RecordDriver(base.RecordDriver):

    def __init__(self, kind):
        self.kind = kind
        self._lock = threading.RLock()
        self._records = {}

    def create(self, ref):
        ref = shapes.shape(self.kind, ref)
        with self._lock:
            if ref['id'] in self._records:
                raise exception.Conflict(
                    'Conflict occurred attempting to store %s - Duplicate entry found '
                    'with ID %s.' % (self.kind.replace('_', ' '), ref['id']))
            self._records[ref['id']] = ref
            return copy.deepcopy(ref)

    def _get(self, record_id):
        try:
            return self._records[record_id]
        except KeyError:
            raise base.record_not_found(self.kind, record_id)

    def get(self, record_id):
        with self._lock:
            return copy.deepcopy(self._get(record_id))

    def list(self, hints=None):
        with self._lock:
            return [copy.deepcopy(r) for r in self._records.values()
                    if filtering.matches_hints(r, hints or {})]

    def update(self, record_id, changes):
        with self._lock:
            ref = shapes.apply_changes(self.kind, self._get(record_id), changes)
            self._records[record_id] = ref
            return copy.deepcopy(ref)

    def delete(self, record_id):
        with self._lock:
            self._get(record_id)
            del self._records[record_id]


def build():
    """A driver per record kind, keyed by kind."""
    return {kind: RecordDriver(kind) for kind in base.RECORD_KINDS}
