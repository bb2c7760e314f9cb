"""alto-l3-agent: routers in qrouter-<router> namespaces (NAT, floating IPs,
metadata proxies). DB-free."""

from common import service  # noqa: F401  (first: patches concurrency)
from common import db  # noqa: E402

db.ban_imports('network')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.network.cmd import agent_service  # noqa: E402


def build(conf):
    from services.network.agents import linux
    from services.network.agents.l3 import agent
    from services.network.agents.ovs import ovsdb
    from services.network.agents.rpc import rpcapi
    ovs = ovsdb.Ovsdb(conf.ovs.ovsdb_connection, conf.ovs.ovsdb_timeout)
    options = conf.l3_agent
    socket = conf.metadata_agent.metadata_proxy_socket \
        if options.enable_metadata_proxy else None
    return agent.L3Agent(rpcapi.PluginAPI(), ovs, linux.IpLib(), conf.host,
                         options.state_dir, bridge=conf.ovs.integration_bridge,
                         metadata_socket=socket, metadata_port=options.metadata_port,
                         resync_interval=options.resync_interval,
                         arping=options.arping_binary)


def main(argv=None):
    agent_service.serve_agent(sys.argv if argv is None else argv, 'alto-l3-agent', build)


if __name__ == '__main__':
    main()
