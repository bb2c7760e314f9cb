from oslo_config import cfg

from common import rpc

#: ``[upgrade_levels]`` caps of the network RPC clients.
UPGRADE_LEVELS = ('network_conductor', 'network_agent_plugin', 'network_agent_notifier')

conductor_group = cfg.OptGroup('network_conductor', title='Network conductor options')

conductor_opts = [
    cfg.StrOpt('topic', default='network-conductor',
               help='RPC topic of the conductor (the API and agents call it). '
                    'RabbitMQ queues are named after topics regardless of the '
                    'exchange, so clouds sharing one broker need distinct topics.'),
    cfg.StrOpt('agent_notification_topic', default='network-agent-notifications',
               help='Fanout topic on which the conductor notifies agents.'),
    cfg.IntOpt('workers', default=1, min=1,
               help='Conductor worker processes. Keep 1 with SQLite (a single '
                    'writer); use MariaDB or PostgreSQL for more.'),
    cfg.StrOpt('base_mac', default='fa:16:3e:00:00:00',
               help='The first three octets of every generated port MAC.'),
    cfg.IntOpt('ip_allocation_retries', default=50, min=1,
               help='How often a port create is retried when a concurrent '
                    'writer took the chosen address.'),
    cfg.StrOpt('default_availability_zone', default='nova',
               help='Availability zone reported for agents without one.'),
    cfg.IntOpt('rpc_timeout', default=60, min=1,
               help='Seconds the API waits for a conductor answer.'),
]


def register_opts(conf):
    conf.register_group(conductor_group)
    conf.register_opts(conductor_opts, group=conductor_group)
    for name in UPGRADE_LEVELS:
        rpc.register_upgrade_level(conf, name)


def list_opts():
    return [(conductor_group, conductor_opts)] + rpc.list_upgrade_levels(UPGRADE_LEVELS)
