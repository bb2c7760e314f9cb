"""Revocation events: what they match, how they travel, and an index of them.

An event revokes every token issued at or before its ``issued_before``
whose values match all of the event's non-empty keys.  Identity records
events (and checks its own tokens against them); every other API receives
the same events and checks the tokens keystonemiddleware validated.  Both
sides use this one model.

On the wire and in ``GET /v3/OS-REVOKE/events`` an event is keystone's
shape: the non-empty match keys, plus ``issued_before`` and ``revoked_at``
as ISO 8601 times with microseconds.
"""

import collections
import datetime
import threading
import time

# most selective first: an event is indexed under the first key it has
MATCH_KEYS = ('audit_id', 'audit_chain_id', 'app_cred_id', 'user_id', 'project_id',
              'domain_id', 'role_id')
_SCALAR_KEYS = ('audit_id', 'audit_chain_id', 'app_cred_id', 'user_id', 'project_id')
_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%fZ'


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class TokenValues:
    """What a revocation event is matched against."""

    __slots__ = ('audit_id', 'audit_chain_id', 'user_id', 'project_id', 'domain_ids',
                 'role_ids', 'app_cred_id', 'issued_at')

    def __init__(self, audit_id, audit_chain_id, user_id, project_id, domain_ids,
                 role_ids, issued_at, app_cred_id=None):
        self.audit_id = audit_id
        self.audit_chain_id = audit_chain_id
        self.user_id = user_id
        self.project_id = project_id
        self.domain_ids = set(domain_ids)
        self.role_ids = set(role_ids)
        self.app_cred_id = app_cred_id
        self.issued_at = issued_at


def matches(event, token):
    if token.issued_at > event['issued_before']:
        return False
    for key in _SCALAR_KEYS:
        value = event.get(key)
        if value is not None and value != getattr(token, key):
            return False
    if event.get('domain_id') is not None and event['domain_id'] not in token.domain_ids:
        return False
    if event.get('role_id') is not None and event['role_id'] not in token.role_ids:
        return False
    return True


# -- wire format ---------------------------------------------------------------
def format_time(value):
    return value.strftime(_TIME_FORMAT)


def parse_time(value):
    """A naive UTC datetime from an ISO 8601 string (``Z`` or an offset)."""
    parsed = datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


def to_wire(event):
    """The keystone-shaped, JSON-ready form of an event dict."""
    out = {key: event[key] for key in MATCH_KEYS if event.get(key) is not None}
    out['issued_before'] = format_time(event['issued_before'])
    out['revoked_at'] = format_time(event.get('revoked_at') or event['issued_before'])
    return out


def from_wire(data):
    """An event dict from its wire form; ValueError when it is not one.

    An event without any match key would revoke every token: refused.
    """
    if not isinstance(data, dict) or not isinstance(data.get('issued_before'), str):
        raise ValueError('not a revocation event: %r' % (data,))
    event = {}
    for key in MATCH_KEYS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError('%s is not a string' % key)
        event[key] = value
    if not any(event.values()):
        raise ValueError('a revocation event needs at least one match key')
    event['issued_before'] = parse_time(data['issued_before'])
    revoked_at = data.get('revoked_at')
    event['revoked_at'] = parse_time(revoked_at) if isinstance(revoked_at, str) \
        else event['issued_before']
    return event


def content_key(event):
    """Identity of an event by what it says (the wire form has no id)."""
    return tuple(event.get(key) for key in MATCH_KEYS) + (event['issued_before'],)


def token_values(token_info):
    """TokenValues for a v3 token body as identity returns it to
    keystonemiddleware (``keystone.token_info``); None if it is not one."""
    try:
        token = token_info['token']
        audit_ids = token['audit_ids']
        user = token['user']
        domain_ids = {user['domain']['id']}
        project = token.get('project')
        if project:
            domain_ids.add(project['domain']['id'])
        if token.get('domain'):
            domain_ids.add(token['domain']['id'])
        app_cred = token.get('application_credential') or {}
        return TokenValues(
            audit_id=audit_ids[0], audit_chain_id=audit_ids[-1], user_id=user['id'],
            project_id=project['id'] if project else None, domain_ids=domain_ids,
            role_ids=[r['id'] for r in token.get('roles') or ()],
            app_cred_id=app_cred.get('id'), issued_at=parse_time(token['issued_at']))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


# -- index ---------------------------------------------------------------------
class EventIndex:
    """Events indexed by their most selective key, so checking a token looks
    at a handful of candidates instead of the whole list.

    Not thread-safe: callers hold their own lock around changes.
    """

    def __init__(self):
        self._events = collections.OrderedDict()   # key -> event, oldest first
        self._buckets = {}                         # (field, value) -> {key: event}

    def __len__(self):
        return len(self._events)

    def __contains__(self, key):
        return key in self._events

    def add(self, key, event):
        """Index ``event`` under ``key``; False if that key is known already."""
        if key in self._events:
            return False
        self._events[key] = event
        self._buckets.setdefault(_bucket_of(event), {})[key] = event
        return True

    def remove(self, key):
        event = self._events.pop(key, None)
        if event is not None:
            bucket = self._buckets.get(_bucket_of(event))
            if bucket is not None:
                bucket.pop(key, None)
                if not bucket:
                    del self._buckets[_bucket_of(event)]
        return event

    def oldest(self):
        """``(key, event)`` added first, or None."""
        return next(iter(self._events.items()), None)

    def events(self):
        return list(self._events.values())

    def items(self):
        return list(self._events.items())

    def is_revoked(self, token):
        buckets = self._buckets
        candidates = []
        for field in _SCALAR_KEYS:
            value = getattr(token, field)
            if value is not None:
                candidates.append(buckets.get((field, value)))
        for domain_id in token.domain_ids:
            candidates.append(buckets.get(('domain_id', domain_id)))
        for role_id in token.role_ids:
            candidates.append(buckets.get(('role_id', role_id)))
        candidates.append(buckets.get(None))   # an event with no key revokes all
        return any(matches(event, token)
                   for bucket in candidates if bucket
                   for event in bucket.values())


def _bucket_of(event):
    return next(((k, event[k]) for k in MATCH_KEYS if event.get(k) is not None), None)


# -- what an API keeps -----------------------------------------------------------
REVOKED = 'revoked'
#: the list overflowed: the token must be validated with identity again
UNSURE = 'unsure'


class RecentEvents:
    """The events an API process keeps: thread-safe, bounded and expiring.

    An event matters only while a token validated before it can still sit
    in keystonemiddleware's cache, so each is kept ``keep`` seconds (the
    cache time plus a margin) after it arrived.  Past ``max_events`` the
    oldest are dropped; until they would have expired, a token issued before
    the newest dropped one is reported UNSURE, so it is validated again
    instead of trusted.
    """

    def __init__(self, keep, max_events, clock=time.monotonic):
        self.keep = keep
        self.max_events = max_events
        self._clock = clock
        self._index = EventIndex()
        self._deadline = {}          # key -> clock time the event expires
        self._overflow = None        # (newest issued_before dropped, until)
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._index)

    def add(self, event):
        """Keep ``event``; False if it is known already."""
        key = content_key(event)
        now = self._clock()
        with self._lock:
            self._expire(now)
            if not self._index.add(key, event):
                return False
            self._deadline[key] = now + self.keep
            while len(self._index) > self.max_events:
                self._drop_oldest()
        return True

    def check(self, token):
        """REVOKED, UNSURE or None for a :class:`TokenValues`."""
        with self._lock:
            self._expire(self._clock())
            if self._index.is_revoked(token):
                return REVOKED
            if self._overflow is not None and token.issued_at <= self._overflow[0]:
                return UNSURE
        return None

    def _drop_oldest(self):
        key, event = self._index.oldest()
        self._index.remove(key)
        until = self._deadline.pop(key)
        if self._overflow is None:
            self._overflow = (event['issued_before'], until)
        else:
            self._overflow = (max(self._overflow[0], event['issued_before']),
                              max(self._overflow[1], until))

    def _expire(self, now):
        # events arrive in deadline order: the oldest expires first
        while True:
            oldest = self._index.oldest()
            if oldest is None or self._deadline[oldest[0]] > now:
                break
            self._index.remove(oldest[0])
            del self._deadline[oldest[0]]
        if self._overflow is not None and self._overflow[1] <= now:
            self._overflow = None
