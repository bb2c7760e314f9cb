"""alto-ovs-agent: one per host; wires the ports of br-int to their networks. DB-free."""

from common import service  # noqa: F401  (first: patches concurrency)
from common import db  # noqa: E402

db.ban_imports('network')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.network.cmd import agent_service  # noqa: E402


def build(conf):
    from services.network.agents.ovs import agent
    from services.network.agents.ovs import ofctl
    from services.network.agents.ovs import ovsdb
    from services.network.agents.ovs import provider
    from services.network.agents.rpc import rpcapi
    ovs = ovsdb.Ovsdb(conf.ovs.ovsdb_connection, conf.ovs.ovsdb_timeout)
    plugin = rpcapi.PluginAPI()
    mappings = provider.parse_mappings(conf.ovs.bridge_mappings)
    bridges = None
    if mappings:
        bridges = provider.ProviderBridges(ovs, ofctl.Ofctl(), mappings,
                                           conf.ovs.integration_bridge,
                                           conf.ovs.datapath_type)
    tunnels = None
    if conf.ovs.local_ip:
        from services.network.agents.ovs import tunnel
        tunnels = tunnel.TunnelBridge(ovs, ofctl.Ofctl(), conf.ovs.local_ip,
                                      conf.ovs.integration_bridge, conf.ovs.tunnel_bridge,
                                      conf.ovs.datapath_type)
    return agent.OVSAgent(ovs, plugin, conf.host,
                          bridge=conf.ovs.integration_bridge,
                          datapath_type=conf.ovs.datapath_type,
                          polling_interval=conf.ovs.polling_interval,
                          firewall=build_firewall(conf, plugin), provider=bridges,
                          tunnels=tunnels)


def build_firewall(conf, plugin):
    """Security groups in OpenFlow on the integration bridge, or None (noop)."""
    if conf.securitygroup.firewall_driver == 'noop':
        return None
    from common import context
    from services.network.agents.ovs import firewall
    from services.network.agents.ovs import ofctl
    return firewall.OVSFirewall(ofctl.OfctlBridge(conf.ovs.integration_bridge), plugin,
                                context.get_admin_context())


def main(argv=None):
    agent_service.serve_agent(sys.argv if argv is None else argv, 'alto-ovs-agent', build)


if __name__ == '__main__':
    main()
