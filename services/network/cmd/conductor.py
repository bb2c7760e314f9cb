"""alto-network-conductor: the network database owner, plugin logic and agent RPC."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402

from oslo_config import cfg  # noqa: E402

from common import config  # noqa: E402
from common import log  # noqa: E402
from common import rpc  # noqa: E402
from services.network import conf as network_conf  # noqa: E402
from services.network import db as network_db  # noqa: E402

CONF = cfg.CONF


def register(conf):
    network_conf.register_opts(conf, with_nova=True)
    network_db.register_opts(conf)


def main(argv=None):
    from services.network.conductor import agent_manager
    from services.network.agents.rpc import rpcapi as agent_rpcapi
    from services.network.conductor import manager
    from services.network.conductor import nova_notifier
    from services.network.db import api as db_api

    register(CONF)
    config.parse_args(sys.argv if argv is None else argv, prog='alto-network-conductor')
    log.setup(CONF, 'alto-network-conductor')
    rpc.init(CONF, exmods=['services.network.exception'])
    db_api.configure(CONF)
    notifier = agent_rpcapi.AgentNotifyAPI()
    nova = nova_notifier.NovaNotifier()
    svc = service.RPCService(CONF.network_conductor.topic,
                             manager.NetworkConductorManager(notifier, nova), CONF.host,
                             endpoints=[agent_manager.AgentPluginManager(notifier, nova)],
                             report_interval=CONF.service.report_interval)
    service.settle_startup_heap()
    service.serve(CONF, [svc], workers=CONF.network_conductor.workers)


if __name__ == '__main__':
    main()
