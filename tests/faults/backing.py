"""Private RabbitMQ and MariaDB instances a fault scenario may stop at will.

The machine's shared RabbitMQ (5672), MariaDB (3306) and PostgreSQL serve
every other test running here and are never touched.  A scenario starts
its own broker node and database server under its temp dir instead:

* :class:`PrivateRabbit` runs ``rabbitmq-server`` as a second Erlang node
  (its own node name, AMQP and distribution ports, mnesia and log dirs,
  config file and Erlang cookie), registered with the machine's epmd;
* :class:`PrivateMariaDB` initialises a data dir with ``mariadb-install-db``
  and runs ``mariadbd`` on a free port and socket of its own.

Both keep their data across :meth:`stop` / :meth:`start`, so a restart is
a restart, not a new server.  Neither outlives the test run, however it
ends: the kernel sends SIGTERM to the server (the ``rabbitmq-server``
script passes it on to its Erlang VM) when the test process dies, even by
SIGKILL, and those still running at interpreter exit get SIGTERM then.
"""

import atexit
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest

from tests.functional import harness
from tests.functional.harness import free_port

RABBIT_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server'
RABBITMQCTL = '/usr/lib/rabbitmq/bin/rabbitmqctl'


def port_open(port, timeout=0.5):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=timeout):
            return True
    except OSError:
        return False


def _wait(predicate, timeout, what, log=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = ''
    if log and pathlib.Path(log).exists():
        tail = '\n'.join(pathlib.Path(log).read_text(errors='replace').splitlines()[-30:])
    raise RuntimeError('%s not ready in %ds\n%s' % (what, timeout, tail))


_started = []


@atexit.register
def _stop_leftovers():
    """A run that ended without its fixtures' teardown (an internal error, a
    first Ctrl-C during teardown): stop what is left, and wait a little so
    the servers' own shutdown is not cut short by the interpreter's exit."""
    for server in _started:
        server.signal(signal.SIGTERM)
    deadline = time.time() + 30
    for server in _started:
        if server.process is not None:
            try:
                server.process.wait(timeout=max(deadline - time.time(), 0.1))
            except subprocess.TimeoutExpired:
                server.signal(signal.SIGKILL)


class _Process:
    """A server process in its own session (signals reach its children),
    terminated with the test process (PR_SET_PDEATHSIG, as the functional
    harness does for daemons)."""

    process = None

    def _popen(self, argv, env=None, log=None):
        # The parent-death signal fires when the starting *thread* ends: only
        # the main thread lives as long as the test process.
        main_thread = threading.current_thread() is threading.main_thread()
        with open(log, 'a') as out:
            self.process = subprocess.Popen(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=harness._terminate_with_parent if main_thread else None)
        if self not in _started:
            _started.append(self)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def signal(self, sig):
        if self.running():
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass

    def _reap(self, timeout):
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout=60):
        """Graceful stop (SIGTERM), SIGKILL after ``timeout``."""
        self.signal(signal.SIGTERM)
        self._reap(timeout)

    def kill(self):
        self.signal(signal.SIGKILL)
        self._reap(10)


class PrivateRabbit(_Process):
    """A RabbitMQ node of the test's own, guest/guest on 127.0.0.1:<port>."""

    def __init__(self, workdir):
        if not os.path.exists(RABBIT_SERVER):
            pytest.skip('rabbitmq-server is not installed')
        self.dir = pathlib.Path(workdir) / 'rabbitmq'
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.dist_port = free_port()
        self.nodename = 'alto-faults-%s@localhost' % secrets.token_hex(4)
        self.log = self.dir / 'server.log'
        (self.dir / 'rabbitmq.conf').write_text(
            'listeners.tcp.local = 127.0.0.1:%d\n' % self.port)
        (self.dir / 'enabled_plugins').write_text('[].\n')   # no management port
        (self.dir / 'rabbitmq-env.conf').write_text('')      # not /etc's NODENAME

    @property
    def url(self):
        return 'rabbit://guest:guest@127.0.0.1:%d/' % self.port

    def env(self):
        env = dict(os.environ)
        env.update({
            'HOME': str(self.dir),    # its own Erlang cookie, for the node and rabbitmqctl
            'RABBITMQ_NODENAME': self.nodename,
            'RABBITMQ_NODE_IP_ADDRESS': '127.0.0.1',
            'RABBITMQ_NODE_PORT': str(self.port),
            'RABBITMQ_DIST_PORT': str(self.dist_port),
            'RABBITMQ_MNESIA_BASE': str(self.dir / 'mnesia'),
            'RABBITMQ_LOG_BASE': str(self.dir / 'log'),
            'RABBITMQ_CONFIG_FILE': str(self.dir / 'rabbitmq.conf'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': str(self.dir / 'enabled_plugins'),
            'RABBITMQ_CONF_ENV_FILE': str(self.dir / 'rabbitmq-env.conf'),
            'RABBITMQ_PID_FILE': str(self.dir / 'rabbitmq.pid'),
            'ERL_EPMD_ADDRESS': '127.0.0.1',
        })
        return env

    def start(self, timeout=120):
        self._popen([RABBIT_SERVER], env=self.env(), log=self.log)
        # The AMQP listener opens last in the boot sequence.
        _wait(lambda: port_open(self.port) or not self.running(), timeout,
              'RabbitMQ node %s' % self.nodename, self.log)
        if not self.running():
            raise RuntimeError('RabbitMQ node %s exited:\n%s' % (
                self.nodename, self.log.read_text(errors='replace')[-3000:]))
        return self

    def vhost_url(self, prefix='alto-faults'):
        """A new vhost of this node (guest may use it) and its transport URL:
        scenarios sharing the node keep their queues apart."""
        name = '%s-%s' % (prefix, secrets.token_hex(3))
        for args in (('add_vhost', name), ('set_permissions', '-p', name, 'guest',
                                           '.*', '.*', '.*')):
            done = self.ctl(*args)
            if done.returncode:
                raise RuntimeError('rabbitmqctl %s: %s' % (args[0], done.stderr))
        return self.url + name

    def ctl(self, *args):
        return subprocess.run([RABBITMQCTL, '-n', self.nodename] + list(args), env=self.env(),
                              capture_output=True, text=True, timeout=60)


class PrivateMariaDB(_Process):
    """A MariaDB server of the test's own, root without a password."""

    def __init__(self, workdir):
        if not shutil.which('mariadbd', path='/usr/sbin:/usr/bin') or \
                not shutil.which('mariadb-install-db'):
            pytest.skip('mariadbd / mariadb-install-db are not installed')
        self.dir = pathlib.Path(workdir) / 'mariadb'
        self.datadir = self.dir / 'data'
        self.port = free_port()
        self.socket = self.dir / 'mariadb.sock'
        self.log = self.dir / 'server.log'
        self.dir.mkdir(parents=True, exist_ok=True)

    def install(self):
        # --no-defaults: /etc/mysql's files name the shared server's port,
        # socket, user and log.
        subprocess.run(['mariadb-install-db', '--no-defaults', '--datadir=%s' % self.datadir,
                        '--user=root', '--auth-root-authentication-method=normal',
                        '--skip-test-db'], check=True, capture_output=True, timeout=120)
        return self

    def start(self, timeout=60):
        self._popen(['/usr/sbin/mariadbd', '--no-defaults', '--datadir=%s' % self.datadir,
                     '--port=%d' % self.port, '--bind-address=127.0.0.1',
                     '--socket=%s' % self.socket, '--user=root',
                     '--pid-file=%s' % (self.dir / 'mariadb.pid'),
                     '--log-error=%s' % self.log, '--skip-log-bin',
                     '--innodb-buffer-pool-size=64M', '--max-connections=500',
                     # commits reach the OS at once, the disk within a second:
                     # a killed server loses nothing, a busy machine waits less
                     '--innodb-flush-log-at-trx-commit=2'],
                    log=self.dir / 'stdout.log')
        _wait(lambda: port_open(self.port) or not self.running(), timeout,
              'MariaDB on %d' % self.port, self.log)
        if not self.running():
            raise RuntimeError('mariadbd exited:\n%s' % self.log.read_text(errors='replace'))
        return self

    def create_database(self, prefix='alto'):
        import pymysql
        name = '%s_%s' % (prefix, secrets.token_hex(4))
        conn = pymysql.connect(host='127.0.0.1', port=self.port, user='root')
        try:
            with conn.cursor() as cur:
                cur.execute('CREATE DATABASE %s CHARACTER SET utf8mb4' % name)
        finally:
            conn.close()
        return 'mysql+pymysql://root@127.0.0.1:%d/%s?charset=utf8mb4' % (self.port, name)
