"""Port status reports as the Open vSwitch agent sends them, from a process
of their own (the test process keeps its global config clean):

    python -m tests.functional.network.agent_rpc --config-file network.conf -- \\
        up|down HOST PORT_ID...

Prints one line per port: what the conductor answered (True: the port is
known and bound to HOST).
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
    what, host, ports = args[0], args[1], args[2:]
    report = plugin.update_device_up if what == 'up' else plugin.update_device_down
    ctx = context.get_admin_context()
    for port_id in ports:
        print(port_id, report(ctx, port_id, 'functional-ovs-agent', host), flush=True)
    rpc.cleanup()


if __name__ == '__main__':
    main(sys.argv[1:])
