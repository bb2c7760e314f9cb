"""Revocation events and the in-process cache that makes checking them cheap.

An event revokes every token issued before its ``issued_before`` whose
values match all of the event's non-empty keys.  The cache indexes events
by their most selective key, so checking a token looks at a handful of
candidates instead of the whole list.  Events this process records enter
the cache at once (with full time precision); events other workers stored
are fetched at most every ``[token] revoke_refresh_interval`` seconds.
"""

import datetime
import threading
import time

from services.identity.core import new_id

# most selective first: an event is indexed under the first key it has
_INDEX_KEYS = ('audit_id', 'audit_chain_id', 'user_id', 'project_id',
               'domain_id', 'role_id')
_MATCH_KEYS = _INDEX_KEYS


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class TokenValues:
    """What a revocation event is matched against."""

    __slots__ = ('audit_id', 'audit_chain_id', 'user_id', 'project_id', 'domain_ids',
                 'role_ids', 'issued_at')

    def __init__(self, audit_id, audit_chain_id, user_id, project_id, domain_ids,
                 role_ids, issued_at):
        self.audit_id = audit_id
        self.audit_chain_id = audit_chain_id
        self.user_id = user_id
        self.project_id = project_id
        self.domain_ids = set(domain_ids)
        self.role_ids = set(role_ids)
        self.issued_at = issued_at


def _matches(event, token):
    if token.issued_at > event['issued_before']:
        return False
    for key in ('audit_id', 'audit_chain_id', 'user_id', 'project_id'):
        value = event.get(key)
        if value is not None and value != getattr(token, key):
            return False
    if event.get('domain_id') is not None and event['domain_id'] not in token.domain_ids:
        return False
    if event.get('role_id') is not None and event['role_id'] not in token.role_ids:
        return False
    return True


class RevokeManager:

    def __init__(self, conf, driver, state):
        self.conf = conf
        self.driver = driver
        self.state = state
        self._lock = threading.Lock()
        self._events = {}          # id -> event
        self._index = {}           # (key, value) -> {id: event}
        self._loaded_at = None     # monotonic time of the last refresh
        self._last_fetch = None    # newest revoked_at seen in the backend

    # -- recording ---------------------------------------------------------
    def revoke(self, **values):
        """Record an event; ``issued_before`` defaults to now."""
        now = utcnow()
        event = {key: values.get(key) for key in _MATCH_KEYS}
        event['id'] = new_id()
        event['issued_before'] = values.get('issued_before') or now
        event['revoked_at'] = now
        self.driver.add_event(dict(event))
        with self._lock:
            self._add(event)
        self.state.bump()
        return event

    def revoke_token(self, audit_id):
        return self.revoke(audit_id=audit_id)

    def revoke_user(self, user_id, project_id=None):
        return self.revoke(user_id=user_id, project_id=project_id)

    def revoke_project(self, project_id):
        return self.revoke(project_id=project_id)

    def revoke_domain(self, domain_id):
        return self.revoke(domain_id=domain_id)

    def revoke_role(self, role_id):
        return self.revoke(role_id=role_id)

    def list_events(self):
        self._refresh()
        with self._lock:
            return sorted(self._events.values(), key=lambda e: e['revoked_at'])

    # -- checking ----------------------------------------------------------
    def is_revoked(self, token):
        self._refresh()
        candidates = []
        index = self._index
        for key, value in (('audit_id', token.audit_id),
                           ('audit_chain_id', token.audit_chain_id),
                           ('user_id', token.user_id),
                           ('project_id', token.project_id)):
            if value is not None:
                bucket = index.get((key, value))
                if bucket:
                    candidates.extend(bucket.values())
        for domain_id in token.domain_ids:
            bucket = index.get(('domain_id', domain_id))
            if bucket:
                candidates.extend(bucket.values())
        for role_id in token.role_ids:
            bucket = index.get(('role_id', role_id))
            if bucket:
                candidates.extend(bucket.values())
        bucket = index.get(None)
        if bucket:
            candidates.extend(bucket.values())
        return any(_matches(event, token) for event in candidates)

    def _add(self, event):
        old = self._events.get(event['id'])
        if old is not None:
            # keep our own precise copy over the backend's (it may have
            # lost sub-second precision)
            return
        self._events[event['id']] = event
        key = next(((k, event[k]) for k in _INDEX_KEYS if event.get(k) is not None), None)
        self._index.setdefault(key, {})[event['id']] = event

    def _refresh(self, force=False):
        interval = self.conf.token.revoke_refresh_interval
        now = time.monotonic()
        if not force and self._loaded_at is not None and now - self._loaded_at < interval:
            return
        self._loaded_at = now
        # look back a little: the backend may store whole seconds only, and
        # events are de-duplicated by id anyway
        since = None if self._last_fetch is None else (
            self._last_fetch - datetime.timedelta(seconds=2))
        fetched = self.driver.list_events(last_fetch=since)
        if not fetched:
            return
        with self._lock:
            changed = False
            for event in fetched:
                if event['id'] not in self._events:
                    changed = True
                self._add(event)
                if self._last_fetch is None or event['revoked_at'] > self._last_fetch:
                    self._last_fetch = event['revoked_at']
        if changed:
            self.state.bump()

    def prune(self):
        """Forget events older than any token that could still be valid."""
        before = utcnow() - datetime.timedelta(seconds=self.conf.token.expiration + 60)
        self.driver.prune_expired_events(before)
        with self._lock:
            for event_id, event in list(self._events.items()):
                if event['issued_before'] < before:
                    del self._events[event_id]
                    for bucket in self._index.values():
                        bucket.pop(event_id, None)
