"""Options of the security-group firewall of the Open vSwitch agent."""

from oslo_config import cfg

securitygroup_group = cfg.OptGroup('securitygroup', title='Security groups on the host')

securitygroup_opts = [
    cfg.StrOpt('firewall_driver', default='openvswitch', choices=['openvswitch', 'noop'],
               help='How alto-ovs-agent enforces security groups: openvswitch (OpenFlow '
                    'rules with conntrack on the integration bridge) or noop (no '
                    'filtering at all; every port behaves as one without port '
                    'security).'),
]


def register_opts(conf):
    conf.register_group(securitygroup_group)
    conf.register_opts(securitygroup_opts, group=securitygroup_group)


def list_opts():
    return [(securitygroup_group, securitygroup_opts)]
