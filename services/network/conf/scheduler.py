"""Options of agent scheduling (the conductor): which L3 agent serves a
router, which DHCP agents serve a network."""

from oslo_config import cfg

scheduler_group = cfg.OptGroup('agent_scheduler', title='Router and network scheduling '
                                                        'to L3 and DHCP agents')

scheduler_opts = [
    cfg.BoolOpt('router_auto_schedule', default=True,
                help='Bind routers that have no L3 agent to an L3 agent when it '
                     'synchronises (a router made while no L3 agent was alive).'),
    cfg.BoolOpt('network_auto_schedule', default=True,
                help='Bind networks with a DHCP-enabled subnet that have fewer '
                     'than dhcp_agents_per_network alive DHCP agents to a DHCP '
                     'agent when it synchronises.'),
    cfg.IntOpt('dhcp_agents_per_network', default=1, min=1,
               help='Number of DHCP agents scheduled to serve each network.'),
    cfg.BoolOpt('allow_automatic_l3agent_failover', default=False,
                help='Move the routers of an L3 agent that stopped reporting '
                     '(agent_down_time) to the least loaded alive L3 agent.'),
    cfg.BoolOpt('allow_automatic_dhcp_failover', default=True,
                help='Schedule the networks of a DHCP agent that stopped '
                     'reporting to alive DHCP agents and take them away from it '
                     '(kept while no alive agent can take them).'),
    cfg.IntOpt('failover_check_interval', default=0, min=0,
               help='Seconds between two checks of the conductor for routers and '
                    'networks on dead agents; 0 means half of [agent] '
                    'agent_down_time.'),
]


def register_opts(conf):
    conf.register_group(scheduler_group)
    conf.register_opts(scheduler_opts, group=scheduler_group)


def list_opts():
    return [(scheduler_group, scheduler_opts)]
