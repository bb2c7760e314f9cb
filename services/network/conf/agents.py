from oslo_config import cfg

agent_group = cfg.OptGroup('agent', title='Agent liveness')

agent_opts = [
    cfg.IntOpt('agent_down_time', default=75, min=1,
               help='Seconds without a report_state heartbeat after which an '
                    "agent is shown as not alive (':-)' becomes 'XXX')."),
    cfg.IntOpt('report_interval', default=10, min=1,
               help='Seconds between two report_state heartbeats of an agent; '
                    'keep it well below agent_down_time.'),
]


def register_opts(conf):
    conf.register_group(agent_group)
    conf.register_opts(agent_opts, group=agent_group)


def list_opts():
    return [(agent_group, agent_opts)]
