"""Log lines through the real oslo.log set-up: no secrets, no forged lines."""

import logging as std_logging

import pytest
from oslo_config import cfg
from oslo_log import log as oslo_logging

from common import context
from common import log

TOKEN = 'gAAAAABnX' + 'q1w2e3r4t5y6u7i8o9p0' * 9 + '=='
GARBAGE = 'garbage-token-' + 'Q' * 300


@pytest.fixture
def logged(tmp_path):
    """Sets logging up as a daemon does, into a file; returns a reader."""
    root = std_logging.getLogger()
    saved = (list(root.handlers), root.level)
    conf = cfg.ConfigOpts()
    oslo_logging.register_options(conf)
    conf([], project='altostratus-test', default_config_files=[])
    conf.set_override('log_file', str(tmp_path / 'daemon.log'))
    conf.set_override('debug', True)
    log.setup(conf, 'altostratus-test')
    yield lambda: (tmp_path / 'daemon.log').read_text()
    for handler in root.handlers:
        handler.close()
    root.handlers[:], root.level = saved


LOG = log.getLogger('alto.test')


def test_newlines_and_escapes_in_user_input_cannot_forge_lines(logged):
    forged = '2026-11-26 00:00:00.000 1 ERROR forged [-] admin logged in'
    LOG.info('Server name %s', 'web\n' + forged)
    LOG.info('Name %s', 'a\r' + forged + '\x1b[2K\u2028' + forged + '\x85')
    lines = logged().splitlines()
    assert not [line for line in lines if line.startswith('2026-11-26 00:00:00.000 1')]
    assert 'web\\x0a2026-11-26' in lines[-2]
    assert '\\x0d' in lines[-1] and '\\x1b[2K' in lines[-1] and '\\u2028' in lines[-1]


def test_traceback_keeps_its_lines_and_hides_secrets(logged):
    try:
        raise ValueError('bad login password=hunter2 for user\nsecond line')
    except ValueError:
        LOG.exception('Request failed for %s', 'bob')
    text = logged()
    assert 'hunter2' not in text
    assert 'Traceback (most recent call last):' in text
    assert len(text.splitlines()) > 3


@pytest.mark.parametrize('message,args', [
    # keystonemiddleware logs identity's answer to a bad token
    ('Identity response: %s', ('{"error": {"code": 404, "title": "Not Found", '
                               '"message": "Could not find token: %s."}}' % GARBAGE,)),
    ('Identity response: %s', ('{"error": {"message": "Could not find token: %s."}}'
                               % TOKEN,)),
    ('headers %s', ({'X-Auth-Token': GARBAGE, 'X-Subject-Token': TOKEN},)),
    ('X-Auth-Token: %s', (GARBAGE,)),
    ('token %s', (TOKEN,)),
    ('login password=%s', (GARBAGE,)),
    ('body %s', ('{"auth": {"password": {"user": {"password": "%s"}}}}' % GARBAGE,)),
    ('app credential secret: %s', (GARBAGE,)),
    ('key %s', ('-----BEGIN RSA PRIVATE KEY-----\n%s\n-----END RSA PRIVATE KEY-----'
                % GARBAGE,)),
    ('(sqlite3.IntegrityError) UNIQUE failed [SQL: INSERT INTO users VALUES (?, ?)] %s',
     ("[parameters: ('alice', '%s')]" % GARBAGE,)),
])
def test_secrets_never_reach_the_log(logged, message, args):
    LOG.warning(message, *args)
    text = logged()
    assert GARBAGE not in text and TOKEN not in text
    for length in (12, 40):   # no long piece of them either
        assert GARBAGE[-length:] not in text and TOKEN[-length:] not in text


@pytest.mark.parametrize('secret', ['x', 'ab', 'hunter2', 'p' * 2000])
def test_passwords_of_any_length_are_masked(logged, secret):
    LOG.info('password=%s and "password": "%s"', secret, secret)
    line = logged().splitlines()[-1]
    assert 'password=' + secret not in line and '"password": "%s"' % secret not in line


def test_password_hash_is_hidden(logged):
    hashed = '$2b$12$' + 'a' * 53
    LOG.error('row %s', ('id', 'alice', hashed))
    assert hashed not in logged()


def test_rpc_context_is_logged_without_its_token(logged):
    ctx = context.RequestContext(auth_token=TOKEN, user_id='u1', project_id='p1',
                                 service_catalog=[{'type': 'image', 'endpoints': []}])
    LOG.debug('Calling conductor with %s', ctx.to_dict())
    LOG.info('Request by %s', 'u1', context=ctx)
    text = logged()
    assert TOKEN not in text and TOKEN[-30:] not in text
    assert 'u1' in text


def test_token_ref_is_short_and_stable():
    ref = log.token_ref(GARBAGE)
    assert ref == log.token_ref(GARBAGE) and ref != log.token_ref(TOKEN)
    assert len(ref) < 24 and GARBAGE[:12] not in ref
    assert log.token_ref('\ud800') and log.token_ref(None) == '<none>'


def test_plain_lines_are_left_alone():
    assert log.redact('Network 42 created in 0.2 s') == 'Network 42 created in 0.2 s'
    assert log.escape('tab\tkept, é kept') == 'tab\tkept, é kept'


def test_protect_is_idempotent():
    handler = std_logging.StreamHandler()
    log.protect(handler)
    formatter = handler.formatter
    log.protect(handler)
    assert handler.formatter is formatter


def test_stack_dump_shows_a_suspended_green_thread_and_survives_a_frozen_heap(caplog):
    import gc

    import greenlet

    def parked_in_a_named_frame():
        greenlet.getcurrent().parent.switch()

    parked = greenlet.greenlet(parked_in_a_named_frame)
    parked.switch()   # runs until it switches back: suspended in that frame
    gc.freeze()       # as a daemon's start-up does: the greenlet is frozen too
    try:
        with caplog.at_level(std_logging.WARNING, logger='stackdump'):
            count = log.dump_stacks(std_logging.getLogger('stackdump'))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        parked.throw(greenlet.GreenletExit)
    lines = [r.getMessage() for r in caplog.records]
    assert count >= 2   # this thread and the parked greenlet
    assert any('parked_in_a_named_frame' in line for line in lines)
    assert lines[0].startswith('Stack dump: ') and lines[-1] == 'Stack dump end'
    assert all('\n' not in line for line in lines)
