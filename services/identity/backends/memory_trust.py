"""In-memory trust driver (the reference implementation for tests)."""

import copy
import threading

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import filtering
from services.identity.backends import shapes


class TrustDriver(base.TrustDriver):

    def __init__(self):
        self._lock = threading.RLock()
        self._trusts = {}

    def create_trust(self, trust):
        ref = shapes.shape('trust', trust)
        ref['roles'] = [{'id': r['id']} for r in ref['roles']]
        with self._lock:
            if ref['id'] in self._trusts:
                raise exception.Conflict(
                    'Conflict occurred attempting to store trust - Duplicate entry found '
                    'with ID %s.' % ref['id'])
            self._trusts[ref['id']] = ref
            return copy.deepcopy(ref)

    def get_trust(self, trust_id):
        with self._lock:
            try:
                return copy.deepcopy(self._trusts[trust_id])
            except KeyError:
                raise exception.TrustNotFound(trust_id=trust_id)

    def list_trusts(self, hints=None):
        with self._lock:
            return [copy.deepcopy(t) for t in self._trusts.values()
                    if filtering.matches_hints(t, hints or {})]

    def delete_trust(self, trust_id):
        with self._lock:
            if self._trusts.pop(trust_id, None) is None:
                raise exception.TrustNotFound(trust_id=trust_id)

    def consume_use(self, trust_id):
        with self._lock:
            try:
                trust = self._trusts[trust_id]
            except KeyError:
                raise exception.TrustNotFound(trust_id=trust_id)
            if trust['remaining_uses'] is None:
                return True
            if trust['remaining_uses'] <= 0:
                return False
            trust['remaining_uses'] -= 1
            return True
