"""Agent RPC as the agents send it, from a process of their own (the test
process keeps its global config clean):

    python -m tests.functional.network.agent_rpc --config-file network.conf -- \\
        up|down HOST PORT_ID...

prints one line per port: what the conductor answered (True: the port is
known and bound to HOST);

    ... -- report l3|dhcp HOST...   registers the agents (report_state)
    ... -- routers HOST             the router ids the L3 agent of HOST serves
    ... -- networks HOST            the network ids the DHCP agent of HOST serves
"""

import sys


def main(argv):
    from oslo_config import cfg

    from common import config
    from common import context
    from common import rpc
    from services.network import conf as network_conf
    from services.network.agents.rpc import rpcapi

    conf = cfg.CONF
    split = argv.index('--')
    options, args = argv[:split], argv[split + 1:]
    config.register_common_opts(conf)
    network_conf.register_opts(conf)
    conf(options, project='altostratus', default_config_files=[])
    rpc.init(conf, exmods=['services.network.exception'])
    plugin = rpcapi.PluginAPI()
    ctx = context.get_admin_context()
    what = args[0]
    if what == 'report':
        agent_type = {'l3': 'L3 agent', 'dhcp': 'DHCP agent'}[args[1]]
        for host in args[2:]:
            plugin.report_state(ctx, {'agent_type': agent_type, 'host': host,
                                      'binary': 'neutron-%s-agent' % args[1],
                                      'topic': '%s_agent' % args[1], 'start_flag': True,
                                      'configurations': {}})
    elif what == 'routers':
        print(' '.join(sorted(r['id'] for r in plugin.sync_routers(ctx, args[1]))))
    elif what == 'networks':
        print(' '.join(sorted(n['id'] for n in plugin.get_active_networks_info(ctx,
                                                                                args[1]))))
    else:
        host, ports = args[1], args[2:]
        report = plugin.update_device_up if what == 'up' else plugin.update_device_down
        for port_id in ports:
            print(port_id, report(ctx, port_id, 'functional-ovs-agent', host), flush=True)
    rpc.cleanup()


if __name__ == '__main__':
    main(sys.argv[1:])
