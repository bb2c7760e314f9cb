"""Real daemons as processes, for every service's functional fixtures.

A service's fixtures.py writes its config files (``write_ini``), prepares
its database (``manage`` / ``db_sync``), starts its daemons through a
:class:`Daemons` group, waits until they answer (``wait_ready`` with the
service's own check: an HTTP answer, its computes' heartbeat, ...) and stops
them on teardown.  A daemon that exits while the group waits fails the wait
with the end of its log; ``log_tail`` gives the same for a test's message.

Every daemon runs in its own session, so a signal reaches its worker
processes too. A test run that ends without its teardowns (a timeout, a
second Ctrl-C, SIGKILL) leaves no daemon behind: those still running get
SIGTERM at exit, and a daemon started from the main thread gets it from the
kernel when the test process dies (a thread's children would get it when the
thread ends, which a thread pool's does early).
"""

import atexit
import ctypes
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BIN = pathlib.Path(sys.executable).parent
RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'



_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _terminate_with_parent():
    """In the child before exec: SIGTERM when the process that started it
    exits, however it ends."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_started = []


@atexit.register
def _terminate_leftovers():
    for daemon in _started:
        if daemon.running():
            daemon.send_signal(signal.SIGTERM)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def ini_text(sections):
    """``{section: {key: value}}`` as an INI file's text (values through str)."""
    lines = []
    for section, values in sections.items():
        lines.append('[%s]' % section)
        lines += ['%s = %s' % (key, value) for key, value in values.items()]
    return '\n'.join(lines) + '\n'


def write_ini(path, sections):
    path = pathlib.Path(path)
    path.write_text(ini_text(sections))
    return path


def manage(config_files, service, *args, timeout=120):
    """``alto-manage --config-file ... <service> <args>``; raises on failure
    with its output in the exception (``CalledProcessError``)."""
    cmd = [str(BIN / 'alto-manage')]
    for path in config_files:
        cmd += ['--config-file', str(path)]
    return subprocess.run(cmd + [service] + list(args), check=True, capture_output=True,
                          text=True, timeout=timeout)


def db_sync(config_files, service):
    """Bring ``service``'s schema to head with its alto-manage command."""
    return manage(config_files, service, 'db', 'sync')


def create_vhost(prefix):
    """A private RabbitMQ vhost (guest may use it) named ``<prefix>-<random>``,
    or None without rabbitmqctl.  RabbitMQ queues are named after RPC topics
    whatever the exchange, so a private vhost keeps parallel test clouds apart."""
    name = '%s-%s' % (prefix, secrets.token_hex(4))
    try:
        subprocess.run(['rabbitmqctl', '-q', 'add_vhost', name], check=True,
                       capture_output=True, timeout=60)
        subprocess.run(['rabbitmqctl', '-q', 'set_permissions', '-p', name, 'guest',
                        '.*', '.*', '.*'], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None  # the private exchange has to do
    return name


def delete_vhost(name):
    subprocess.run(['rabbitmqctl', '-q', 'delete_vhost', name], capture_output=True,
                   timeout=60)


def answers(url, timeout=2, accept=()):
    """True when ``url`` answers 2xx/3xx or one of the ``accept`` codes;
    False when nothing listens yet."""
    try:
        urllib.request.urlopen(url, timeout=timeout).read()
        return True
    except urllib.error.HTTPError as exc:
        return exc.code in accept
    except (OSError, ValueError):
        return False


class DaemonExited(RuntimeError):
    pass


class Daemon:
    """One daemon process.

    ``log_file`` is where the daemon's own log goes (its config or
    ``--log-file``); ``output_file`` takes its stdout and stderr (None:
    discarded).  Both are read by :meth:`log_tail`.
    """

    def __init__(self, name, argv, log_file=None, output_file=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_file = pathlib.Path(log_file) if log_file else None
        self.output_file = pathlib.Path(output_file) if output_file else None
        self.process = None

    @property
    def pid(self):
        return self.process.pid

    def start(self):
        out = open(self.output_file, 'w') if self.output_file else subprocess.DEVNULL
        try:
            main_thread = threading.current_thread() is threading.main_thread()
            self.process = subprocess.Popen(
                self.argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_terminate_with_parent if main_thread else None)
            _started.append(self)
        finally:
            if self.output_file:
                out.close()
        return self

    def running(self):
        return self.process is not None and self.process.poll() is None

    def send_signal(self, sig=signal.SIGTERM):
        if self.running():
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass

    def reap(self, timeout):
        """Wait for the process to end; SIGKILL its session after ``timeout``."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            self.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, sig=signal.SIGTERM, timeout=10):
        self.send_signal(sig)
        self.reap(timeout)

    def log_tail(self, lines=40):
        out = []
        for path in dict.fromkeys(p for p in (self.log_file, self.output_file) if p):
            try:
                out += path.read_text(errors='replace').splitlines()[-lines:]
            except OSError:
                pass
        return '\n'.join(out)

    def rss_kib(self):
        """RSS of the daemon and all its descendants (its worker processes)."""
        total = 0
        for pid in _process_tree(self.process.pid):
            try:
                with open('/proc/%d/status' % pid) as status:
                    for line in status:
                        if line.startswith('VmRSS:'):
                            total += int(line.split()[1])
            except OSError:
                pass
        return total


def _process_tree(pid):
    pids = [pid]
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            for child in f.read().split():
                pids += _process_tree(int(child))
    except OSError:
        pass
    return pids


class Daemons:
    """The daemons of one service under test, by name."""

    def __init__(self, stop_timeout=10):
        self.stop_timeout = stop_timeout
        self.by_name = {}
        self.stopped = {}   # kept for their logs

    def __iter__(self):
        return iter(self.by_name.values())

    def __contains__(self, name):
        return name in self.by_name

    def __getitem__(self, name):
        return self.by_name[name]

    def start(self, name, argv, log_file=None, output_file=None):
        daemon = Daemon(name, argv, log_file=log_file, output_file=output_file)
        self.by_name[name] = daemon.start()
        return daemon

    def check_alive(self):
        for daemon in self:
            if daemon.process is not None and daemon.process.poll() is not None:
                raise DaemonExited('%s exited (status %s):\n%s' % (
                    daemon.name, daemon.process.returncode, daemon.log_tail()))

    def wait_ready(self, ready, timeout=60, interval=0.3, what='the daemons',
                   log_of=None):
        """Poll ``ready()`` until it is true; fail early when a daemon exits.

        ``ready`` may raise OSError/ValueError while nothing listens yet.  On
        timeout the RuntimeError carries the log of ``log_of`` (a daemon
        name; default every daemon).  Either way every daemon is stopped
        before the error is raised, so none outlives a failed start."""
        deadline = time.time() + timeout
        try:
            while time.time() < deadline:
                self.check_alive()
                try:
                    if ready():
                        return
                except (OSError, ValueError):
                    pass
                time.sleep(interval)
            raise RuntimeError('%s did not come up in %ds:\n%s' % (
                what, timeout, self.log_tail(log_of) if log_of else self.log_tails()))
        except Exception:
            self.stop()
            raise

    def stop_one(self, name, sig=signal.SIGTERM, timeout=15):
        daemon = self.by_name.pop(name, None)
        if daemon is not None:
            daemon.stop(sig, timeout)
            self.stopped[name] = daemon

    def stop(self, timeout=None):
        """SIGTERM every daemon first, then reap them against one deadline:
        stopping them one by one would add their shutdown times up."""
        timeout = self.stop_timeout if timeout is None else timeout
        for daemon in self:
            daemon.send_signal(signal.SIGTERM)
        deadline = time.time() + timeout
        for daemon in self:
            daemon.reap(deadline - time.time())
        self.stopped.update(self.by_name)
        self.by_name = {}

    def log_tail(self, name, lines=40):
        daemon = self.by_name.get(name) or self.stopped.get(name)
        return daemon.log_tail(lines) if daemon else ''

    def log_tails(self, lines=30):
        return '\n'.join('== %s\n%s' % (d.name, d.log_tail(lines)) for d in self)

    def rss_by_daemon_kib(self):
        return {d.name: d.rss_kib() for d in self}
