"""Ports name devices only of their own project; routers and networks keep
to their own project's ports; nothing is stored without a project; the
service role works on ports of every project without being admin."""

import pytest

from common import context as alto_context
from common import exception as common_exc
from tests.unit.network.conftest import member

A, B = 'project-a', 'project-b'
SERVICE = {'X-Project-Id': 'service', 'X-User-Id': 'nova', 'X-Roles': 'service'}


def _fault(resp):
    return resp.json['NeutronError']


@pytest.fixture
def world(api):
    """Project A: a shared network with a subnet and a router on it, and a
    floating IP; project B: a network and a port of its own."""
    public = api.network(name='public', **{'router:external': True,
                                           'provider:network_type': 'flat',
                                           'provider:physical_network': 'public'})
    api.subnet(public['id'], cidr='203.0.113.0/24', enable_dhcp=False)
    net_a = api.network(headers=member(A), name='a')
    api.put('/networks/%s' % net_a['id'], {'network': {'shared': True}})
    subnet_a = api.subnet(net_a['id'], headers=member(A))
    router = api.post('/routers', {'router': {'name': 'ra', 'external_gateway_info': {
        'network_id': public['id']}}}, member(A)).json['router']
    api.put('/routers/%s/add_router_interface' % router['id'],
            {'subnet_id': subnet_a['id']}, member(A))
    fip = api.post('/floatingips', {'floatingip': {'floating_network_id': public['id']}},
                   member(A)).json['floatingip']
    net_b = api.network(headers=member(B), name='b')
    api.subnet(net_b['id'], cidr='10.1.0.0/24', headers=member(B))
    port_b = api.port(net_b['id'], member(B))
    return {'net_a': net_a, 'subnet_a': subnet_a, 'router': router, 'fip': fip,
            'net_b': net_b, 'port_b': port_b, 'public': public}


def _interfaces(api, router_id):
    return api.get('/ports?device_owner=network:router_interface&device_id=%s'
                   % router_id).json['ports']


@pytest.mark.parametrize('owner,device', [
    ('network:router_interface', 'router'), ('network:router_gateway', 'router'),
    ('network:floatingip', 'fip'), ('compute:nova', 'router'), ('', 'fip')])
def test_a_port_may_not_name_another_projects_device(api, world, owner, device):
    device_id = world[device]['id']
    port = world['port_b']
    resp = api.put('/ports/%s' % port['id'], {'port': {
        'device_owner': owner, 'device_id': device_id}}, member(B), status=403)
    assert _fault(resp)['type'] == 'DeviceIDNotOwnedByTenant'
    assert api.get('/ports/%s' % port['id']).json['port']['device_id'] == ''
    # Nor when the port is made: on B's network, or on A's shared one.
    for net in (world['net_b'], world['net_a']):
        resp = api.post('/ports', {'port': {'network_id': net['id'], 'device_owner': owner,
                                            'device_id': device_id}}, member(B), status=403)
    assert len(_interfaces(api, world['router']['id'])) == 1
    assert [p['id'] for p in api.get('/ports', member(B)).json['ports']] == [port['id']]


def test_network_owners_other_than_devices_need_the_network(api, world):
    """A DHCP (or any other network:) port goes only on the project's own network."""
    resp = api.post('/ports', {'port': {'network_id': world['net_a']['id'],
                                        'device_owner': 'network:dhcp'}}, member(B),
                    status=403)
    assert _fault(resp)['type'] == 'HTTPForbidden'
    own = api.post('/ports', {'port': {'network_id': world['net_b']['id'],
                                       'device_owner': 'network:dhcp'}}, member(B))
    assert own.json['port']['device_owner'] == 'network:dhcp'
    # A project's own router may take a port of that project by the port API.
    mine = api.port(world['net_a']['id'], member(A))
    api.put('/ports/%s' % mine['id'], {'port': {'device_owner': 'compute:nova',
                                                'device_id': world['fip']['id']}}, member(A))


def test_routers_and_networks_keep_to_their_projects_ports(api, world):
    """Ports of another project that name A's router or sit on A's network as
    DHCP ports (as an admin can still make them) are not A's: they do not
    block or become A's interfaces and are never deleted with A's objects."""
    router, subnet_a = world['router'], world['subnet_a']
    planted = api.post('/ports', {'port': {
        'network_id': world['net_a']['id'], 'project_id': B,
        'device_owner': 'network:router_interface', 'device_id': router['id'],
        'fixed_ips': [{'subnet_id': subnet_a['id']}]}}).json['port']
    dhcp = api.post('/ports', {'port': {
        'network_id': world['net_a']['id'], 'project_id': B,
        'device_owner': 'network:dhcp'}}).json['port']
    assert sorted(p['project_id'] for p in _interfaces(api, router['id'])) == [A, B]
    # Removing the interface on the subnet removes A's interface, not B's port.
    api.put('/routers/%s/remove_router_interface' % router['id'],
            {'subnet_id': subnet_a['id']}, member(A))
    resp = api.put('/routers/%s/remove_router_interface' % router['id'],
                   {'port_id': planted['id']}, member(A), status=404)
    assert _fault(resp)['type'] == 'RouterInterfaceNotFound'
    # A port of another project is never attached by port_id either.
    resp = api.put('/routers/%s/add_router_interface' % router['id'],
                   {'port_id': dhcp['id']}, status=400)
    # B's port does not keep A from deleting its router.
    api.delete('/routers/%s' % router['id'], member(A))
    for port in (planted, dhcp):
        assert api.get('/ports/%s' % port['id'], member(B)).json['port']['project_id'] == B
    # Nor is B's DHCP port deleted with A's network: the network is in use.
    api.delete('/floatingips/%s' % world['fip']['id'], member(A))
    resp = api.delete('/networks/%s' % world['net_a']['id'], member(A), status=409)
    assert _fault(resp)['type'] == 'NetworkInUse'
    resp = api.put('/networks/%s' % world['net_a']['id'], {'network': {'shared': False}},
                   status=400)
    api.get('/ports/%s' % dhcp['id'], member(B))


def test_service_role_works_on_ports_of_every_project(api, world):
    """Compute's service user: ports of any project, binding included, with
    the project's own security groups; not admin for anything else."""
    sg = api.post('/security-groups', {'security_group': {'name': 'web'}},
                  member(A)).json['security_group']
    port = api.post('/ports', {'port': {
        'network_id': world['net_a']['id'], 'project_id': A, 'security_groups': [sg['id']],
        'device_id': 'server-1', 'device_owner': 'compute:nova'}}, SERVICE).json['port']
    assert port['project_id'] == A and port['security_groups'] == [sg['id']]
    bound = api.put('/ports/%s' % port['id'], {'port': {'binding:host_id': 'compute-1'}},
                    SERVICE).json['port']
    assert bound['binding:host_id'] == 'compute-1' and 'binding:vif_type' in bound
    assert api.get('/networks/%s' % world['net_b']['id'], SERVICE).status_int == 200
    assert port['id'] in {p['id'] for p in api.get('/ports?device_id=server-1',
                                                   SERVICE).json['ports']}
    # A member of the project does not see or set the binding.
    shown = api.get('/ports/%s' % port['id'], member(A)).json['port']
    assert 'binding:host_id' not in shown
    api.put('/ports/%s' % port['id'], {'port': {'binding:host_id': 'x'}}, member(A),
            status=403)
    # Another project's groups are not the port's.
    sg_b = api.post('/security-groups', {'security_group': {'name': 'b'}},
                    member(B)).json['security_group']
    api.post('/ports', {'port': {'network_id': world['net_a']['id'], 'project_id': A,
                                 'security_groups': [sg_b['id']]}}, SERVICE, status=404)
    # Not admin: no network, router or floating IP of its own or of others.
    api.post('/networks', {'network': {'name': 'x'}}, SERVICE, status=403)
    api.get('/routers/%s' % world['router']['id'], SERVICE, status=404)
    assert api.get('/routers', SERVICE).json['routers'] == []
    api.put('/networks/%s' % world['net_b']['id'], {'network': {'name': 'x'}}, SERVICE,
            status=403)
    api.delete('/ports/%s' % port['id'], SERVICE)


def test_nothing_is_stored_without_a_project(conductor):
    """The conductor refuses a create for a context with no project, whoever
    calls it (the API refuses such tokens before)."""
    unscoped = alto_context.RequestContext(user_id='u', roles=['admin'], is_admin=True,
                                           project_id=None)
    for resource, body in (('network', {'name': 'x'}), ('router', {'name': 'x'}),
                           ('security_group', {'name': 'x'})):
        with pytest.raises(common_exc.BadRequest):
            conductor.create_resource(unscoped, resource, body)
    admin = alto_context.get_admin_context()
    assert conductor.list_resources(admin, 'network') == []


def test_addresses_on_a_shared_network_are_its_owners(api, world):
    """On A's shared network, B's member takes what IPAM gives: no chosen IP
    or MAC, no address pairs, no port security off; A's member may."""
    net, subnet = world['net_a'], world['subnet_a']
    for attrs in ({'fixed_ips': [{'subnet_id': subnet['id'], 'ip_address': '10.0.0.77'}]},
                  {'fixed_ips': [{'ip_address': '10.0.0.77'}]},
                  {'mac_address': 'fa:16:3e:00:00:77'},
                  {'allowed_address_pairs': [{'ip_address': '10.0.0.0/24'}]},
                  {'port_security_enabled': False, 'security_groups': []}):
        resp = api.post('/ports', {'port': dict(attrs, network_id=net['id'])}, member(B),
                        status=403)
        assert _fault(resp)['type'] == 'HTTPForbidden'
    port = api.post('/ports', {'port': {'network_id': net['id'], 'fixed_ips': [
        {'subnet_id': subnet['id']}]}}, member(B)).json['port']
    api.put('/ports/%s' % port['id'], {'port': {'allowed_address_pairs': [
        {'ip_address': '10.0.0.1'}]}}, member(B), status=403)
    assert api.get('/ports/%s' % port['id']).json['port']['allowed_address_pairs'] == []
    # An address B's port did not get (IPAM picks at random).
    taken = {ip['ip_address'] for ip in port['fixed_ips']}
    chosen = next(a for a in ('10.0.0.77', '10.0.0.78') if a not in taken)
    mine = api.post('/ports', {'port': {'network_id': net['id'], 'fixed_ips': [
        {'subnet_id': subnet['id'], 'ip_address': chosen}]}}, member(A)).json['port']
    api.put('/ports/%s' % mine['id'], {'port': {'allowed_address_pairs': [
        {'ip_address': '10.0.0.0/24'}]}}, member(A))
