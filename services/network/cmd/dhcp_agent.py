"""alto-dhcp-agent: dnsmasq in a qdhcp-<network> namespace per DHCP network. DB-free."""

from common import service  # noqa: F401  (first: patches concurrency)
from common import db  # noqa: E402

db.ban_imports('network')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.network.cmd import agent_service  # noqa: E402


def build(conf):
    from services.network.agents import linux
    from services.network.agents.dhcp import agent
    from services.network.agents.ovs import ovsdb
    from services.network.agents.rpc import rpcapi
    ovs = ovsdb.Ovsdb(conf.ovs.ovsdb_connection, conf.ovs.ovsdb_timeout)
    options = conf.dhcp_agent
    return agent.DhcpAgent(rpcapi.PluginAPI(), ovs, linux.IpLib(), conf.host,
                           options.state_dir, bridge=conf.ovs.integration_bridge,
                           dnsmasq_binary=options.dnsmasq_binary, domain=options.dhcp_domain,
                           lease_seconds=options.lease_seconds,
                           metadata_route=options.enable_metadata_route,
                           resync_interval=options.resync_interval,
                           metadata_socket=conf.metadata_agent.metadata_proxy_socket)


def main(argv=None):
    agent_service.serve_agent(sys.argv if argv is None else argv, 'alto-dhcp-agent', build)


if __name__ == '__main__':
    main()
