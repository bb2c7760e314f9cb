"""Revocation events: matching, the kept list, the check after
keystonemiddleware, and the bus round trip (oslo.messaging fake://)."""

import datetime
import threading
import time

import pytest
import webtest
from keystonemiddleware import auth_token
from oslo_config import cfg

from common import config
from common import faults
from common import rpc
from common import wsgi
from common.revocation import bus
from common.revocation import middleware
from common.revocation import model

T0 = datetime.datetime(2026, 11, 26, 12, 0, 0, 123456)
SECOND = datetime.timedelta(seconds=1)


def token(**overrides):
    values = dict(audit_id='aud', audit_chain_id='chain', user_id='u', project_id='p',
                  domain_ids={'ud', 'pd'}, role_ids={'member', 'reader'}, app_cred_id=None,
                  issued_at=T0)
    values.update(overrides)
    return model.TokenValues(**values)


def event(**keys):
    ev = {key: None for key in model.MATCH_KEYS}
    ev.update(issued_before=T0 + SECOND, revoked_at=T0 + SECOND)
    ev.update(keys)
    return ev


# -- matching ------------------------------------------------------------------------
@pytest.mark.parametrize('keys, revoked', [
    ({'audit_id': 'aud'}, True),                      # one token revoked
    ({'audit_id': 'other'}, False),
    ({'audit_chain_id': 'chain'}, True),              # a token and its rescopes
    ({'user_id': 'u'}, True),                         # user disabled / deleted / password
    ({'user_id': 'v'}, False),
    ({'user_id': 'u', 'project_id': 'p'}, True),      # role removed on the project
    ({'user_id': 'u', 'project_id': 'q'}, False),
    ({'project_id': 'p'}, True),                      # project disabled / deleted
    ({'domain_id': 'ud'}, True),                      # the user's domain disabled
    ({'domain_id': 'pd'}, True),                      # the project's domain disabled
    ({'domain_id': 'xd'}, False),
    ({'role_id': 'reader'}, True),                    # role deleted
    ({'role_id': 'admin'}, False),
    ({'app_cred_id': 'cred'}, False),                 # not an app-credential token
])
def test_each_event_kind(keys, revoked):
    assert model.matches(event(**keys), token()) is revoked
    index = model.EventIndex()
    index.add('k', event(**keys))
    assert index.is_revoked(token()) is revoked


def test_app_credential_event_matches_its_tokens_only():
    ev = event(app_cred_id='cred')
    assert model.matches(ev, token(app_cred_id='cred'))
    assert not model.matches(ev, token(app_cred_id='other'))


def test_a_token_issued_after_the_event_is_not_revoked():
    ev = event(user_id='u')
    assert model.matches(ev, token(issued_at=ev['issued_before']))
    assert not model.matches(ev, token(issued_at=ev['issued_before'] +
                                       datetime.timedelta(microseconds=1)))


def test_index_remove_and_no_key_event():
    index = model.EventIndex()
    index.add('a', event(user_id='u'))
    index.remove('a')
    assert not index.is_revoked(token()) and len(index) == 0
    index.add('all', event())          # identity may record a key-less event
    assert index.is_revoked(token())


# -- token info and wire -------------------------------------------------------------
TOKEN_INFO = {'token': {
    'methods': ['application_credential'], 'audit_ids': ['aud', 'chain'],
    'issued_at': '2026-11-26T12:00:00.123456Z', 'expires_at': '2026-11-26T13:00:00.000000Z',
    'user': {'id': 'u', 'name': 'alice', 'domain': {'id': 'ud', 'name': 'D'}},
    'project': {'id': 'p', 'name': 'demo', 'domain': {'id': 'pd', 'name': 'P'}},
    'roles': [{'id': 'member', 'name': 'member'}, {'id': 'reader', 'name': 'reader'}],
    'application_credential': {'id': 'cred', 'name': 'ci', 'restricted': True}}}


def test_token_values_from_keystonemiddleware_token_info():
    values = model.token_values(TOKEN_INFO)
    assert (values.audit_id, values.audit_chain_id, values.user_id, values.project_id,
            values.app_cred_id) == ('aud', 'chain', 'u', 'p', 'cred')
    assert values.domain_ids == {'ud', 'pd'} and values.role_ids == {'member', 'reader'}
    assert values.issued_at == T0
    assert model.token_values({'token': {'user': 'x'}}) is None
    assert model.token_values({'access': {}}) is None


def test_wire_round_trip_and_refusals():
    ev = event(user_id='u', project_id='p')
    wire = model.to_wire(ev)
    assert wire == {'user_id': 'u', 'project_id': 'p',
                    'issued_before': '2026-11-26T12:00:01.123456Z',
                    'revoked_at': '2026-11-26T12:00:01.123456Z'}
    assert model.from_wire(wire) == ev
    for bad in ({'issued_before': wire['issued_before']},          # revokes everything
                {'user_id': 5, 'issued_before': wire['issued_before']},
                {'user_id': 'u', 'issued_before': 'yesterday'},
                {'user_id': 'u'}, 'nope'):
        with pytest.raises(ValueError):
            model.from_wire(bad)


# -- what an API keeps ---------------------------------------------------------------
class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_recent_events_expire_after_keep():
    clock = Clock()
    events = model.RecentEvents(keep=360, max_events=100, clock=clock)
    assert events.add(event(user_id='u'))
    assert not events.add(event(user_id='u'))            # bus and resync: once
    assert events.check(token()) == model.REVOKED
    clock.now += 359
    assert events.check(token()) == model.REVOKED
    clock.now += 2
    assert events.check(token()) is None and len(events) == 0


def test_recent_events_are_bounded_and_overflow_is_safe():
    clock = Clock()
    events = model.RecentEvents(keep=360, max_events=10, clock=clock)
    for i in range(15):
        events.add(event(user_id='user-%d' % i, issued_before=T0 + i * SECOND))
        clock.now += 1
    assert len(events) == 10
    # user-0 .. user-4 were dropped: their tokens are validated again, not trusted
    assert events.check(token(user_id='user-2')) == model.UNSURE
    assert events.check(token(user_id='user-12')) == model.REVOKED
    # tokens issued after everything dropped are unaffected
    later = T0 + 5 * SECOND
    assert events.check(token(user_id='someone', issued_at=later)) is None
    clock.now += 360
    assert events.check(token(user_id='user-2')) is None and len(events) == 0


# -- the check after keystonemiddleware -----------------------------------------------
class FakeCache:
    def __init__(self):
        self.dropped = []

    def set(self, token_id, data):
        assert data is None
        self.dropped.append(token_id)


class FakeAuthProtocol:
    def __init__(self, valid=True):
        self._token_cache = FakeCache()
        self.valid = valid
        self.fetched = []

    def fetch_token(self, token_id):
        self.fetched.append(token_id)
        if not self.valid:
            raise auth_token.InvalidToken('revoked')
        return TOKEN_INFO


def ok_app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [b'{"ok": true}']


def check_app(events, auth=None, renderer=faults.compute_fault):
    check = middleware.RevocationCheck(ok_app, events, auth)
    return webtest.TestApp(wsgi.FaultWrapper(check, renderer))


def authenticated(token_id='tok-1'):
    return {'keystone.token_info': TOKEN_INFO, 'HTTP_X_IDENTITY_STATUS': 'Confirmed',
            'HTTP_X_AUTH_TOKEN': token_id}


@pytest.mark.parametrize('renderer, body', [
    (faults.compute_fault, {'unauthorized': {
        'code': 401, 'message': 'The request you have made requires authentication.'}}),
    (faults.image_fault, None),
])
def test_revoked_token_gets_401_in_the_service_fault_body(renderer, body):
    events = model.RecentEvents(keep=360, max_events=100)
    auth = FakeAuthProtocol()
    app = check_app(events, auth, renderer)
    assert app.get('/', extra_environ=authenticated()).json == {'ok': True}
    events.add(event(user_id='u'))
    resp = app.get('/', extra_environ=authenticated(), status=401)
    if body is not None:
        assert resp.json == body
    assert resp.json and 'Traceback' not in resp.text
    assert auth._token_cache.dropped == ['tok-1']      # identity is asked next time
    assert auth.fetched == []


def test_unauthenticated_and_unaffected_requests_pass():
    events = model.RecentEvents(keep=360, max_events=100)
    events.add(event(user_id='someone-else'))
    app = check_app(events, FakeAuthProtocol())
    assert app.get('/', extra_environ=authenticated()).status_int == 200
    assert app.get('/').status_int == 200              # no token: auth decided already
    invalid = dict(authenticated(), HTTP_X_IDENTITY_STATUS='Invalid')
    events.add(event(user_id='u'))
    assert app.get('/', extra_environ=invalid).status_int == 200


@pytest.mark.parametrize('still_valid', [True, False])
def test_after_an_overflow_older_tokens_are_validated_again(still_valid):
    clock = Clock()
    events = model.RecentEvents(keep=360, max_events=10, clock=clock)
    for i in range(11):
        events.add(event(user_id='user-%d' % i, issued_before=T0 + SECOND))
    auth = FakeAuthProtocol(valid=still_valid)
    app = check_app(events, auth)
    resp = app.get('/', extra_environ=authenticated('tok-9'), expect_errors=True)
    assert resp.status_int == (200 if still_valid else 401)
    assert auth.fetched == ['tok-9'] and auth._token_cache.dropped == ['tok-9']


# -- the bus -------------------------------------------------------------------------
@pytest.fixture
def conf():
    # oslo.messaging registers some of its options on the global CONF only
    conf = cfg.CONF
    config.common_conf.register_opts(conf)
    rpc.register_opts(conf)
    conf.set_override('transport_url', 'fake://', group='revocation')
    conf.set_override('resync_interval', 0, group='revocation')
    yield conf
    conf.clear_override('transport_url', group='revocation')
    conf.clear_override('resync_interval', group='revocation')
    conf.clear_override('enabled', group='revocation')


def wait_for(predicate, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_every_listener_gets_every_event(conf):
    transport = bus.get_transport(conf)
    kept = [model.RecentEvents(keep=360, max_events=100) for _ in range(2)]
    # (the fake driver keeps one fanout queue per server name; RabbitMQ one per process)
    listeners = [bus.Listener(conf, events, transport=transport, server='worker-%d' % i)
                 for i, events in enumerate(kept)]
    publisher = bus.Publisher(conf, transport=transport)
    try:
        for listener in listeners:
            listener.start()
        assert wait_for(lambda: all(li.consuming for li in listeners))
        publisher.publish(event(user_id='u', project_id='p', id='e1'))
        assert wait_for(lambda: all(events.check(token()) == model.REVOKED
                                    for events in kept))
    finally:
        publisher.stop()
        for listener in listeners:
            listener.stop()
        transport.cleanup()


def test_malformed_bus_event_is_ignored():
    events = model.RecentEvents(keep=360, max_events=100)
    endpoint = bus.Endpoint(events)
    endpoint.revocation_event({}, {'issued_before': '2026-11-26T12:00:00Z'})
    endpoint.revocation_event({}, 'garbage')
    assert len(events) == 0


def test_publisher_survives_a_failing_bus(conf, caplog):
    class Broken:
        def cast(self, *args, **kwargs):
            raise RuntimeError('bus down')

    publisher = bus.Publisher(conf)
    publisher._client = lambda: Broken()
    publisher.publish(event(audit_id='a'))
    publisher.publish(event(audit_id='b'))
    publisher.stop()
    assert caplog.text.count('not published') == 2


def test_resync_fetches_from_identity_since_the_newest_event(conf):
    events = model.RecentEvents(keep=360, max_events=100)
    calls = []
    answers = [[event(user_id='u', revoked_at=T0)], RuntimeError('identity down'), []]

    def fetch(since):
        calls.append(since)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    listener = bus.Listener(conf, events, fetch=fetch)
    assert listener.resync()
    assert events.check(token()) == model.REVOKED
    first = calls[0]
    assert model.utcnow() - first >= datetime.timedelta(seconds=359)   # the keep window
    assert not listener.resync()                                       # logged, kept going
    assert listener.resync()
    assert calls[2] == T0 - datetime.timedelta(seconds=60)             # newest, overlapped


def test_listener_resyncs_once_it_consumes(conf):
    events = model.RecentEvents(keep=360, max_events=100)
    fetched = threading.Event()
    calls = []

    def fetch(since):
        calls.append(since)
        if len(calls) == 2:
            fetched.set()
        return []

    listener = bus.Listener(conf, events, fetch=fetch)
    listener._transport = bus.get_transport(conf)
    try:
        listener.start()
        assert fetched.wait(5)        # at start, and again when the queue is consumed
        assert listener.consuming
    finally:
        listener.stop()
        listener._transport.cleanup()


def test_attach_wraps_what_keystonemiddleware_calls(conf, monkeypatch):
    from common import revocation

    started = []
    monkeypatch.setattr(bus.Listener, 'start', lambda self: started.append(self))
    for group, opts in auth_token.list_opts():
        conf.register_opts(opts, group=group)
    revocation.reset()
    try:
        auth = FakeAuthProtocol()
        auth._app = ok_app
        assert revocation.attach(auth, conf) is auth
        assert isinstance(auth._app, middleware.RevocationCheck)
        assert auth._app.app is ok_app and auth._app.auth_protocol is auth
        assert auth._app.events.keep == 360
        other = FakeAuthProtocol()
        other._app = ok_app
        revocation.attach(other, conf)
        assert len(started) == 1                    # one listener per process
        conf.set_override('enabled', False, group='revocation')
        third = FakeAuthProtocol()
        third._app = ok_app
        revocation.attach(third, conf)
        assert third._app is ok_app
    finally:
        revocation._process.clear()


def test_keystonemiddleware_has_what_attach_uses():
    # attach() reaches into AuthProtocol: pin the attributes it relies on
    conf = cfg.ConfigOpts()
    conf([], project='altostratus-test')
    auth = auth_token.AuthProtocol(ok_app, {'oslo_config_config': conf})
    assert auth._app is ok_app
    assert hasattr(auth, '_token_cache') and hasattr(auth._token_cache, 'set')
    assert hasattr(auth, '_session') and hasattr(auth, '_auth')
    assert callable(auth.fetch_token)
    assert conf.keystone_authtoken.token_cache_time == 300
