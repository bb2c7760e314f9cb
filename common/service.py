"""Daemon runtime: the one place that knows the concurrency backend.

Importing this module monkey-patches the standard library, so every ``cmd``
module imports it before anything else.  Everything that needs green
threads (the WSGI server, background loops) goes through here, so moving
from eventlet to a threading backend is a change in this module only.
Library code and unit tests never import it.  ``kill -USR2 <pid>`` makes
any daemon log the stacks of its threads and green threads.
"""

import gc
import os
import signal
import socket

# Plain resolver instead of eventlet's green DNS: it saves dnspython (~16 MiB
# per daemon), and our daemons resolve little beyond loopback and /etc/hosts.
os.environ.setdefault('EVENTLET_NO_GREENDNS', 'yes')

import eventlet  # noqa: E402

# psycopg2 is made cooperative only in a process that uses PostgreSQL
# (make_db_driver_cooperative); patching it here would load libpq and its
# TLS libraries (~6 MiB) into every daemon.
eventlet.monkey_patch(psycopg=False)

import eventlet.tpool  # noqa: E402
import eventlet.wsgi  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_log import log as logging  # noqa: E402
from oslo_service import loopingcall  # noqa: E402
from oslo_service import service as os_service  # noqa: E402

from common import log as alto_log  # noqa: E402

LOG = logging.getLogger(__name__)

#: ``kill -USR2 <pid>`` logs the stack of every thread and green thread of a
#: daemon (at WARNING, in its log): what a stuck daemon is waiting on.
DUMP_SIGNAL = signal.SIGUSR2


def _dump_on_signal(signum, frame):
    try:
        alto_log.dump_stacks(LOG)
    except Exception:   # a debugging aid must never take the daemon down
        LOG.exception('Stack dump failed')


signal.signal(DUMP_SIGNAL, _dump_on_signal)


def make_db_driver_cooperative(connection_url):
    """Let the database driver for ``connection_url`` yield to other green
    threads while it waits on the server (PyMySQL and SQLite need nothing)."""
    if connection_url.startswith('postgresql'):
        from eventlet.support import psycopg2_patcher
        psycopg2_patcher.make_psycopg_green()


def settle_startup_heap():
    """Move everything loaded at start-up out of the garbage collector's way.

    A large listing allocates some 100,000 short-lived objects, enough to set
    off full collections, and each would otherwise walk the whole start-up
    heap (libraries, configuration, schemas, SQLAlchemy metadata).  Daemons
    call this last before they serve, before workers fork, so the frozen
    pages also stay shared between the workers.
    """
    gc.collect()
    gc.freeze()


def spawn(func, *args, **kwargs):
    """Run ``func`` concurrently; returns a handle with ``wait()`` and ``kill()``."""
    return eventlet.spawn(func, *args, **kwargs)


def run_in_thread(func, *args, **kwargs):
    """Run blocking native code (e.g. bcrypt) in a real OS thread so green
    threads keep being served; returns its result."""
    return eventlet.tpool.execute(func, *args, **kwargs)


def submit_native(func, *args, **kwargs):
    """Start ``func`` in an OS thread without waiting; the returned handle's
    ``wait()`` gives its result (or raises its exception)."""
    return eventlet.spawn(eventlet.tpool.execute, func, *args, **kwargs)


def sleep(seconds):
    eventlet.sleep(seconds)


def looping(func, interval, initial_delay=None):
    """Call ``func`` every ``interval`` seconds; returns the started loop."""
    loop = loopingcall.FixedIntervalLoopingCall(func)
    loop.start(interval=interval, initial_delay=initial_delay, stop_on_exception=False)
    return loop


class _WSGILogger:
    def __init__(self, logger):
        self.logger = logger

    def write(self, message):
        self.logger.info(message.rstrip('\n'))


class WSGIService(os_service.ServiceBase):
    """Serves a WSGI app; the socket is bound before workers fork."""

    def __init__(self, name, app_factory, host, port, workers=1, on_reset=None,
                 unix_socket=None):
        """``unix_socket``: serve on that UNIX socket path (mode 0600, a stale
        one replaced) instead of ``host``:``port``."""
        self.name = name
        self.app_factory = app_factory
        self.workers = workers
        self.on_reset = on_reset
        if unix_socket:
            if os.path.exists(unix_socket):
                os.unlink(unix_socket)
            self.socket = eventlet.listen(unix_socket, family=socket.AF_UNIX, backlog=1024)
            os.chmod(unix_socket, 0o600)
            self.host, self.port = unix_socket, None
        else:
            self.socket = eventlet.listen((host, port), backlog=1024, reuse_addr=True)
            self.host, self.port = self.socket.getsockname()[:2]
        self._server = None
        self._pool = None

    def start(self):
        self._pool = eventlet.GreenPool(1000)
        app = self.app_factory()
        # Every read and write on a client socket, including the wait for the
        # next request on a kept-alive connection, gives up after this long,
        # so silent or stalled clients cannot hold green threads for ever.
        timeout = cfg.CONF.api.client_socket_timeout or None
        self._server = eventlet.spawn(
            eventlet.wsgi.server, self.socket, app, custom_pool=self._pool,
            log=_WSGILogger(logging.getLogger('%s.wsgi' % self.name)),
            keepalive=True, socket_timeout=timeout, debug=False)
        LOG.info('%s listening on %s', self.name,
                 self.host if self.port is None else '%s:%s' % (self.host, self.port))

    def stop(self, graceful=True):
        if self._server is not None:
            self._server.kill()

    def wait(self):
        if self._pool is not None:
            self._pool.waitall()
        if self._server is not None:
            try:
                self._server.wait()
            except eventlet.greenlet.GreenletExit:
                pass

    def reset(self):
        if self.on_reset:
            self.on_reset()


class RPCService(os_service.ServiceBase):
    """An RPC server for a manager, plus its heartbeat and periodic tasks.

    :param manager: object with a ``target``; may define ``init_host()``,
        ``cleanup_host()``, ``report_state()`` (heartbeat) and
        ``periodic_tasks`` (list of ``(callable, interval)``).
    """

    def __init__(self, topic, manager, host, endpoints=(), serializer=None,
                 report_interval=10):
        self.topic = topic
        self.manager = manager
        self.host = host
        self.extra_endpoints = list(endpoints)
        self.serializer = serializer
        self.report_interval = report_interval
        self.server = None
        self.loops = []

    def start(self):
        import oslo_messaging as messaging

        from common import rpc

        if hasattr(self.manager, 'init_host'):
            self.manager.init_host()
        target = messaging.Target(topic=self.topic, server=self.host)
        self.server = rpc.get_server(target, [self.manager] + self.extra_endpoints,
                                     serializer=self.serializer)
        self.server.start()
        if hasattr(self.manager, 'report_state'):
            self.loops.append(looping(self._safe(self.manager.report_state),
                                      self.report_interval, initial_delay=0))
        for func, interval in getattr(self.manager, 'periodic_tasks', ()):
            self.loops.append(looping(self._safe(func), interval, initial_delay=interval))
        LOG.info('RPC service %s on host %s started', self.topic, self.host)

    @staticmethod
    def _safe(func):
        def run():
            try:
                func()
            except Exception:  # a failed tick must not end the loop
                LOG.exception('Periodic task %s failed', getattr(func, '__name__', func))
        return run

    def stop(self, graceful=True):
        for loop in self.loops:
            loop.stop()
        if self.server is not None:
            self.server.stop()
            if graceful:
                self.server.wait()
        if hasattr(self.manager, 'cleanup_host'):
            self.manager.cleanup_host()

    def wait(self):
        for loop in self.loops:
            try:
                loop.wait()
            except Exception:
                pass

    def reset(self):
        if hasattr(self.manager, 'reset'):
            self.manager.reset()


def serve(conf, services, workers=1):
    """Run ``services`` until SIGTERM (graceful stop); SIGHUP reloads config."""
    if workers > 1:
        launcher = os_service.ProcessLauncher(conf, restart_method='mutate')
        for svc in services:
            launcher.launch_service(svc, workers=workers)
    else:
        launcher = os_service.ServiceLauncher(conf, restart_method='mutate')
        for svc in services:
            launcher.launch_service(svc)
    launcher.wait()
