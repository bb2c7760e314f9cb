"""Which rows each caller finds, resource by resource, asked of the conductor
itself (the API's policy comes on top): own project, shared, external and
RBAC-granted networks, subnets through their network, rules through their
parent, the service role, admins. A row not found is its resource's 404,
the same as a row that does not exist."""

import pytest

from common import context as alto_context
from services.network import exception

A, B, C = 'project-a', 'project-b', 'project-c'


def _caller(project, *roles):
    return alto_context.RequestContext(user_id='user-' + project, project_id=project,
                                       roles=list(roles), is_admin='admin' in roles)


CALLERS = {'B': _caller(B, 'member', 'reader'), 'C': _caller(C, 'member', 'reader'),
           'service': _caller('service', 'service'), 'admin': _caller('admin', 'admin')}
# Everything below belongs to project A. What each caller other than A finds:
# B has RBAC grants on two networks; C has none; the service role finds the
# ports, networks, subnets, security groups and floating IPs of every project.
SHARED = {'net_shared', 'net_external', 'subnet_shared', 'scope_shared', 'pool_shared',
          'qos_shared', 'qos_rule_shared', 'label_shared', 'label_rule_shared'}
FINDS = {
    'B': SHARED | {'net_rbac', 'net_rbac_external', 'subnet_rbac'},
    'C': SHARED,
    'service': SHARED | {'net_private', 'net_rbac', 'net_rbac_external', 'subnet_private',
                         'subnet_external', 'subnet_rbac', 'subnet_rbac_external', 'port',
                         'group', 'fip'},
}
NOT_FOUND = {
    'network': exception.NetworkNotFound, 'subnet': exception.SubnetNotFound,
    'port': exception.PortNotFound, 'router': exception.RouterNotFound,
    'floatingip': exception.FloatingIPNotFound,
    'security_group': exception.SecurityGroupNotFound,
    'security_group_rule': exception.SecurityGroupRuleNotFound,
    'address_scope': exception.AddressScopeNotFound,
    'subnetpool': exception.SubnetPoolNotFound, 'policy': exception.QosPolicyNotFound,
    'qos_rule': exception.QosRuleNotFound, 'metering_label': exception.MeteringLabelNotFound,
    'metering_label_rule': exception.MeteringLabelRuleNotFound,
    'rbac_policy': exception.RbacPolicyNotFound,
}


@pytest.fixture
def world(conductor):
    admin = alto_context.get_admin_context()

    def make(resource, **body):
        return conductor.create_resource(admin, resource, dict(body, project_id=A))

    rows = {}
    for name, attrs in (('net_private', {}), ('net_shared', {'shared': True}),
                        ('net_external', {'router:external': True}), ('net_rbac', {}),
                        ('net_rbac_external', {})):
        rows[name] = ('network', make('network', name=name, **attrs)['id'])
    for i, suffix in enumerate(('private', 'shared', 'external', 'rbac', 'rbac_external')):
        subnet = make('subnet', network_id=rows['net_' + suffix][1], ip_version=4,
                      cidr='10.%d.0.0/24' % i)
        rows['subnet_' + suffix] = ('subnet', subnet['id'])
    for net, action in (('net_rbac', 'access_as_shared'),
                        ('net_rbac_external', 'access_as_external')):
        policy = make('rbac_policy', object_type='network', object_id=rows[net][1],
                      action=action, target_tenant=B)
        rows['rbac_' + action] = ('rbac_policy', policy['id'])
    rows['port'] = ('port', make('port', network_id=rows['net_private'][1])['id'])
    rows['router'] = ('router', make('router', name='r')['id'])
    rows['fip'] = ('floatingip', make('floatingip',
                                      floating_network_id=rows['net_external'][1])['id'])
    group = make('security_group', name='g')
    rows['group'] = ('security_group', group['id'])
    rows['group_rule'] = ('security_group_rule', group['security_group_rules'][0]['id'])
    for suffix, shared in (('private', False), ('shared', True)):
        rows['scope_' + suffix] = ('address_scope', make(
            'address_scope', name='s', ip_version=4, shared=shared)['id'])
        rows['pool_' + suffix] = ('subnetpool', make(
            'subnetpool', name='p', prefixes=['10.%d.0.0/16' % (100 + shared)],
            shared=shared)['id'])
        qos = make('policy', name='q', shared=shared)
        rows['qos_' + suffix] = ('policy', qos['id'])
        rows['qos_rule_' + suffix] = ('qos_rule', conductor.create_resource(
            admin, 'qos_rule', {'qos_policy_id': qos['id'], 'type': 'bandwidth_limit',
                                'max_kbps': 1000})['id'])
        label = make('metering_label', name='m', shared=shared)
        rows['label_' + suffix] = ('metering_label', label['id'])
        rows['label_rule_' + suffix] = ('metering_label_rule', conductor.create_resource(
            admin, 'metering_label_rule', {'metering_label_id': label['id'],
                                           'direction': 'ingress',
                                           'remote_ip_prefix': '10.0.0.0/8'})['id'])
    return rows


@pytest.mark.parametrize('who', sorted(FINDS))
def test_each_caller_finds_what_its_rule_says(conductor, world, who):
    context = CALLERS[who]
    for name, (resource, row_id) in sorted(world.items()):
        listed = {item['id'] for item in conductor.list_resources(context, resource)}
        if name in FINDS[who]:
            assert conductor.get_resource(context, resource, row_id)['id'] == row_id, name
            assert row_id in listed, name
            continue
        assert row_id not in listed, name
        with pytest.raises(NOT_FOUND[resource]) as caught:
            conductor.get_resource(context, resource, row_id)
        missing = NOT_FOUND[resource]
        with pytest.raises(missing) as absent:
            conductor.get_resource(context, resource, 'no-such-' + row_id[8:])
        # Word for word the 404 of a row that does not exist.
        assert (caught.value.message.replace(row_id, '<id>')
                == absent.value.message.replace('no-such-' + row_id[8:], '<id>')), name


def test_admin_finds_every_row(conductor, world):
    for name, (resource, row_id) in world.items():
        assert conductor.get_resource(CALLERS['admin'], resource, row_id)['id'] == row_id


def test_networks_granted_by_rbac_show_as_shared_or_external(conductor, world):
    context = CALLERS['B']
    shared = conductor.get_resource(context, 'network', world['net_rbac'][1])
    external = conductor.get_resource(context, 'network', world['net_rbac_external'][1])
    assert (shared['shared'], shared['router:external']) == (True, False)
    assert (external['shared'], external['router:external']) == (False, True)
    # The owner sees its own flags.
    owner = _caller(A, 'member', 'reader')
    mine = conductor.get_resource(owner, 'network', world['net_rbac'][1])
    assert (mine['shared'], mine['router:external']) == (False, False)
