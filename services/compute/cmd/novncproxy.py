"""alto-compute-novncproxy: noVNC's WebSocket proxy to the guests' VNC
displays on 127.0.0.1:6080, for console tokens the conductor holds;
DB-free."""

from common import service  # noqa: F401  (first: patches the runtime)
from common import db  # noqa: E402

db.ban_imports('compute')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from oslo_log import log as logging  # noqa: E402
from oslo_service import service as os_service  # noqa: E402

from services.compute.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF
LOG = logging.getLogger(__name__)


class ProxyService(os_service.ServiceBase):
    def __init__(self, server):
        self.server = server
        self._thread = None

    def start(self):
        self._thread = service.spawn(self.server.serve_forever)
        LOG.info('alto-compute-novncproxy listening on %s:%s', *self.server.server_address)

    def stop(self, graceful=True):
        self.server.shutdown()

    def wait(self):
        if self._thread is not None:
            self._thread.wait()

    def reset(self):
        pass


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-compute-novncproxy', with_clients=False)
    cmd_common.wait_for_conductor()
    from services.compute.console import websocketproxy
    server = websocketproxy.build_server(CONF.vnc.novncproxy_host, CONF.vnc.novncproxy_port,
                                         CONF.vnc.novnc_web)
    service.settle_startup_heap()
    service.serve(CONF, [ProxyService(server)])


if __name__ == '__main__':
    main()
