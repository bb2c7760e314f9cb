"""Starting and stopping a namespace metadata proxy (:mod:`.nsproxy`).

One process per router, started in its namespace with ``ip netns exec``;
it writes its pid file, so an agent started later finds it again and a
proxy outlives a restart of its agent (guests keep their metadata). A pid
file counts only when that process's command line names the same router.
"""

import os
import signal
import subprocess
import sys
import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)
MODULE = 'services.network.agents.metadata.nsproxy'


def _wait_gone(pid, timeout=5.0):
    """Wait until ``pid`` has exited; SIGKILL it after ``timeout``."""
    deadline = time.monotonic() + timeout
    while os.path.exists('/proc/%d' % pid):
        if time.monotonic() > deadline:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return
        time.sleep(0.05)


class ProxyProcess:
    def __init__(self, scope, scope_id, namespace, directory, unix_socket, port,
                 bind_host='0.0.0.0'):
        """``scope`` is ``'router'`` or ``'network'``."""
        self.scope_id = scope_id
        self.namespace = namespace
        self.directory = directory
        self.argv = [sys.executable, '-m', MODULE, '--%s-id' % scope, scope_id,
                     '--unix-socket', unix_socket, '--bind-host', bind_host,
                     '--port', str(port),
                     '--pid-file', self.pid_path]
        self._popen = None

    @property
    def pid_path(self):
        return os.path.join(self.directory, 'metadata-proxy.pid')

    def pid(self):
        if self._popen is not None and self._popen.poll() is None:
            return self._popen.pid
        try:
            with open(self.pid_path) as f:
                pid = int(f.read().strip())
            with open('/proc/%d/cmdline' % pid, 'rb') as f:
                argv = f.read().decode('utf-8', 'replace').split('\0')
        except (OSError, ValueError):
            return None
        return pid if MODULE in argv and self.scope_id in argv else None

    def alive(self):
        return self.pid() is not None

    def start(self):
        os.makedirs(self.directory, exist_ok=True)
        log = open(os.path.join(self.directory, 'metadata-proxy.log'), 'ab')
        try:
            self._popen = subprocess.Popen(
                ['ip', 'netns', 'exec', self.namespace] + self.argv, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            log.close()
        LOG.info('Metadata proxy for %s started in %s (pid %d)', self.scope_id,
                 self.namespace, self._popen.pid)

    def ensure(self):
        if not self.alive():
            self.start()

    def stop(self):
        pid = self.pid()
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if self._popen is not None:
            try:
                self._popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._popen.kill()
                self._popen.wait()
            self._popen = None
        elif pid is not None:
            _wait_gone(pid)  # an earlier agent's: not our child to wait for
        try:
            os.unlink(self.pid_path)
        except FileNotFoundError:
            pass
