"""``[DEFAULT]`` options of the instance usage audit (nova's names and
defaults): each compute host records, once per completed period, the
servers that ran on it (read back by ``os-instance_usage_audit_log``)."""

from oslo_config import cfg

opts = [
    cfg.BoolOpt('instance_usage_audit', default=False,
                help='Run the periodic instance usage audit on compute hosts.'),
    cfg.StrOpt('instance_usage_audit_period', default='month',
               choices=['hour', 'day', 'month', 'year'],
               help='Length of an audit period; an audit covers the last completed '
                    'one. The API reports on periods of this length too.'),
    cfg.IntOpt('instance_usage_audit_interval', default=60, min=1,
               help='Seconds between checks whether the last completed audit period '
                    'has been audited on this host (each period is audited once).'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return [('DEFAULT', opts)]
