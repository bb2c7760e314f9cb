"""Revocation events and the in-process cache that makes checking them cheap.

The event model (what an event matches, its wire form, the index) is
``common.revocation.model``, shared with every API that listens for the
events.  Events this process records enter the cache at once (with full
time precision) and are handed to the publisher, which casts them to every
API; events other workers stored are fetched at most every ``[token]
revoke_refresh_interval`` seconds.
"""

import datetime
import threading
import time

from common.revocation import model
from common.revocation.model import TokenValues  # noqa: F401  (re-exported)
from common.revocation.model import utcnow  # noqa: F401  (re-exported)
from services.identity.core import new_id


class RevokeManager:

    def __init__(self, conf, driver, state, publisher=None):
        self.conf = conf
        self.driver = driver
        self.state = state
        self.publisher = publisher  # common.revocation.bus.Publisher, or None
        self._lock = threading.Lock()
        self._index = model.EventIndex()   # keyed by event id
        self._loaded_at = None     # monotonic time of the last refresh
        self._last_fetch = None    # newest revoked_at seen in the backend

    # -- recording ---------------------------------------------------------
    def revoke(self, **values):
        """Record an event; ``issued_before`` defaults to now."""
        now = utcnow()
        event = {key: values.get(key) for key in model.MATCH_KEYS}
        event['id'] = new_id()
        event['issued_before'] = values.get('issued_before') or now
        event['revoked_at'] = now
        self.driver.add_event(dict(event))
        with self._lock:
            self._index.add(event['id'], event)
        self.state.bump()
        if self.publisher is not None:
            self.publisher.publish(event)
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

    def revoke_app_cred(self, app_cred_id):
        return self.revoke(app_cred_id=app_cred_id)

    def list_events(self, since=None):
        """Events sorted by ``revoked_at``; only those after ``since`` if given."""
        self._refresh()
        with self._lock:
            events = self._index.events()
        if since is not None:
            events = [e for e in events if e['revoked_at'] > since]
        return sorted(events, key=lambda e: e['revoked_at'])

    # -- checking ----------------------------------------------------------
    def is_revoked(self, token):
        self._refresh()
        with self._lock:
            return self._index.is_revoked(token)

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
                # a known id keeps our own precise copy over the backend's
                # (it may have lost sub-second precision)
                changed = self._index.add(event['id'], event) or changed
                if self._last_fetch is None or event['revoked_at'] > self._last_fetch:
                    self._last_fetch = event['revoked_at']
        if changed:
            self.state.bump()

    def prune(self):
        """Forget events older than any token that could still be valid."""
        before = utcnow() - datetime.timedelta(seconds=self.conf.token.expiration + 60)
        self.driver.prune_expired_events(before)
        with self._lock:
            for key, event in self._index.items():
                if event['issued_before'] < before:
                    self._index.remove(key)
