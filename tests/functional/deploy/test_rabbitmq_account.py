"""deploy/lib/common.sh ensure_rabbitmq_account: the daemons' own broker
user and vhost with a generated password, kept root-only and reused."""

import os
import pathlib
import secrets
import shutil
import stat
import subprocess
import tempfile

import pytest

pytestmark = pytest.mark.functional

ROOT = pathlib.Path(__file__).resolve().parents[3]


def _rabbitmqctl(*args):
    return subprocess.run(['rabbitmqctl', '-q'] + list(args), capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def account():
    if os.geteuid() != 0 or not shutil.which('rabbitmqctl'):
        pytest.skip('needs root and rabbitmqctl, as deploy/stack.sh does')
    name = 'alto-deploy-%s' % secrets.token_hex(4)
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-rabbit-'))
    try:
        yield name, workdir / 'rabbitmq.secret'
    finally:
        _rabbitmqctl('delete_user', name)
        _rabbitmqctl('delete_vhost', name)
        shutil.rmtree(workdir)


def _ensure(name, secret_file):
    env = dict(os.environ, ALTO_SRC=str(ROOT), RABBIT_USER=name, RABBIT_VHOST=name,
               RABBIT_PASSWORD_FILE=str(secret_file), TRANSPORT_URL='')
    out = subprocess.run(
        ['bash', '-euo', 'pipefail', '-c', '. "$ALTO_SRC/deploy/lib/common.sh"\n'
         'ensure_rabbitmq_account\necho "$TRANSPORT_URL"'],
        env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _connects(url):
    import kombu
    with kombu.Connection(url.replace('rabbit://', 'amqp://'), connect_timeout=10) as conn:
        conn.connect()
        return conn.connected


def test_own_user_and_vhost_with_a_kept_password(account):
    name, secret_file = account
    url = _ensure(name, secret_file)
    password = secret_file.read_text().strip()
    assert len(password) >= 32
    assert url == 'rabbit://%s:%s@127.0.0.1:5672/%s' % (name, password, name)
    st = secret_file.stat()
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, 0, 0)
    assert _connects(url)
    # Only its own vhost.
    perms = _rabbitmqctl('list_user_permissions', name).stdout.split('\n')
    assert [line.split('\t')[0] for line in perms if line and not line.startswith('vhost')] \
        == [name]

    # A re-run reuses the password; a broker whose password drifted is brought back to it.
    assert _ensure(name, secret_file) == url
    assert _rabbitmqctl('change_password', name, 'drifted').returncode == 0
    assert _ensure(name, secret_file) == url
    assert _connects(url)
