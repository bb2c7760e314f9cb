"""Cross-project and cross-role isolation of the network API, end to end.

Real identity and network daemons (keystonemiddleware, RabbitMQ, the
conductor), real openstacksdk connections for a member of project A (the
owner), a reader of project A and a member of project B. A's resources are
made by A's member through the SDK; then B's member and A's reader try to
read, list, change, delete and attach them: refused with the status the
Networking API answers (404 for what the caller cannot see, 403 for what
it sees but may not change), nothing listed, nothing changed.
"""

import secrets

import openstack
import pytest

pytestmark = pytest.mark.functional

PASSWORD = 'pw-' + secrets.token_hex(6)


def _register_network(admin, url):
    service = admin.identity.create_service(type='network', name='neutron')
    for interface in ('public', 'internal', 'admin'):
        admin.identity.create_endpoint(service_id=service.id, interface=interface, url=url,
                                       region_id='RegionOne')


@pytest.fixture(scope='module')
def conns(network_server, identity_server):
    _register_network(openstack.connect(**identity_server.cloud_config()),
                      network_server.url)
    admin = openstack.connect(**identity_server.cloud_config())  # a catalog with it
    roles = {r.name: r for r in admin.identity.roles()}
    projects = {n: admin.identity.create_project(name=n, domain_id='default')
                for n in ('xp-a', 'xp-b')}
    conns = {'admin': admin}
    for user, project, role in (('member-a', 'xp-a', 'member'),
                                ('reader-a', 'xp-a', 'reader'),
                                ('member-b', 'xp-b', 'member')):
        account = admin.identity.create_user(name=user, password=PASSWORD,
                                             domain_id='default')
        admin.identity.assign_project_role_to_user(projects[project], account, roles[role])
        conns[user] = openstack.connect(**identity_server.cloud_config(user, PASSWORD,
                                                                       project))
    conns['projects'] = projects
    return conns


@pytest.fixture(scope='module')
def world(conns):
    """A's resources, made by A's member: a network with a subnet and a port,
    a router with its gateway on the admin's external network and an
    interface on the subnet, a floating IP on the port, a security group
    with a rule. B's member has a network, subnet, port and router too."""
    admin, owner, other = conns['admin'], conns['member-a'], conns['member-b']
    public = admin.network.create_network(name='xp-public', is_router_external=True,
                                          provider_network_type='flat',
                                          provider_physical_network='public')
    admin.network.create_subnet(network_id=public.id, ip_version=4,
                                cidr='198.51.100.0/24', is_dhcp_enabled=False)
    net = owner.network.create_network(name='a-net')
    subnet = owner.network.create_subnet(network_id=net.id, ip_version=4,
                                         cidr='10.10.0.0/24')
    port = owner.network.create_port(network_id=net.id, name='a-port')
    router = owner.network.create_router(name='a-router',
                                         external_gateway_info={'network_id': public.id})
    owner.network.add_interface_to_router(router, subnet_id=subnet.id)
    fip = owner.network.create_ip(floating_network_id=public.id, port_id=port.id)
    sg = owner.network.create_security_group(name='a-sg')
    rule = owner.network.create_security_group_rule(
        security_group_id=sg.id, direction='ingress', protocol='tcp', port_range_min=22,
        port_range_max=22)
    b_net = other.network.create_network(name='b-net')
    b_subnet = other.network.create_subnet(network_id=b_net.id, ip_version=4,
                                           cidr='10.20.0.0/24')
    b_port = other.network.create_port(network_id=b_net.id, name='b-port')
    b_router = other.network.create_router(name='b-router')
    return {'networks': net.id, 'subnets': subnet.id, 'ports': port.id,
            'routers': router.id, 'floatingips': fip.id, 'security-groups': sg.id,
            'security-group-rules': rule.id, 'public': public.id, 'b_net': b_net.id,
            'b_subnet': b_subnet.id, 'b_port': b_port.id, 'b_router': b_router.id}


COLLECTIONS = ('networks', 'subnets', 'ports', 'routers', 'floatingips', 'security-groups',
               'security-group-rules')
SINGULAR = {'networks': 'network', 'subnets': 'subnet', 'ports': 'port',
            'routers': 'router', 'floatingips': 'floatingip',
            'security-groups': 'security_group',
            'security-group-rules': 'security_group_rule'}
# An update each collection takes (rules have none: PUT is refused as a method).
UPDATES = {'networks': {'name': 'x'}, 'subnets': {'name': 'x'}, 'ports': {'name': 'x'},
           'routers': {'name': 'x'}, 'floatingips': {'description': 'x'},
           'security-groups': {'description': 'x'}}


def _call(conn, method, path, body=None):
    return conn.network.request(path, method, json=body, raise_exc=False)


def _state(conns, world):
    """Everything of A's, as A's member sees it (and the router's interfaces)."""
    owner = conns['member-a']
    state = {c: _call(owner, 'GET', '/%s/%s' % (c, world[c])).json() for c in COLLECTIONS}
    state['interfaces'] = sorted(p.id for p in owner.network.ports(
        device_id=world['routers'], device_owner='network:router_interface'))
    state['a-ports'] = sorted(p.id for p in owner.network.ports(network_id=world['networks']))
    return state


def _attempts(world, persona):
    """(what, method, path, body, expected status) for ``persona``."""
    hidden = persona == 'member-b'
    seen, refused = (404, 404) if hidden else (200, 403)
    rows = []
    for c in COLLECTIONS:
        path = '/%s/%s' % (c, world[c])
        rows.append(('show ' + c, 'GET', path, None, seen))
        if c in UPDATES:
            rows.append(('update ' + c, 'PUT', path, {SINGULAR[c]: UPDATES[c]}, refused))
        rows.append(('delete ' + c, 'DELETE', path, None, refused))
    router = '/routers/%s' % world['routers']
    rows += [
        ('port on A\'s network', 'POST', '/ports',
         {'port': {'network_id': world['networks']}}, 404 if hidden else 403),
        ('subnet on A\'s network', 'POST', '/subnets',
         {'subnet': {'network_id': world['networks'], 'ip_version': 4,
                     'cidr': '10.10.9.0/24'}}, 404 if hidden else 403),
        ('remove A\'s interface', 'PUT', router + '/remove_router_interface',
         {'subnet_id': world['subnets']}, refused),
        ('rule in A\'s group', 'POST', '/security-group-rules',
         {'security_group_rule': {'security_group_id': world['security-groups'],
                                  'direction': 'ingress', 'protocol': 'udp'}},
         404 if hidden else 403),
        ('move A\'s floating IP', 'PUT', '/floatingips/' + world['floatingips'],
         {'floatingip': {'port_id': None}}, refused),
    ]
    if hidden:
        rows += [
            ('own subnet on A\'s router', 'PUT', router + '/add_router_interface',
             {'subnet_id': world['b_subnet']}, 404),
            ('A\'s subnet on own router', 'PUT',
             '/routers/%s/add_router_interface' % world['b_router'],
             {'subnet_id': world['subnets']}, 404),
            ('A\'s port on own router', 'PUT',
             '/routers/%s/add_router_interface' % world['b_router'],
             {'port_id': world['ports']}, 404),
            ('floating IP on A\'s port', 'POST', '/floatingips',
             {'floatingip': {'floating_network_id': world['public'],
                             'port_id': world['ports']}}, 404),
            ('A\'s group on own port', 'PUT', '/ports/' + world['b_port'],
             {'port': {'security_groups': [world['security-groups']]}}, 404),
            ('own port as A\'s router interface', 'PUT', '/ports/' + world['b_port'],
             {'port': {'device_owner': 'network:router_interface',
                       'device_id': world['routers']}}, 403),
            ('own port as A\'s floating IP', 'PUT', '/ports/' + world['b_port'],
             {'port': {'device_owner': 'network:floatingip',
                       'device_id': world['floatingips']}}, 403),
            ('port on A\'s router', 'POST', '/ports',
             {'port': {'network_id': world['b_net'], 'device_id': world['routers'],
                       'device_owner': 'network:router_interface'}}, 403),
            ('network for A', 'POST', '/networks',
             {'network': {'name': 'planted', 'project_id': world['project_a']}}, 400),
        ]
    else:
        rows += [
            ('interface on A\'s router', 'PUT', router + '/add_router_interface',
             {'subnet_id': world['b_subnet']}, 403),
            ('network in A', 'POST', '/networks', {'network': {'name': 'r'}}, 403),
            ('floating IP in A', 'POST', '/floatingips',
             {'floatingip': {'floating_network_id': world['public']}}, 403),
            ('group in A', 'POST', '/security-groups',
             {'security_group': {'name': 'r'}}, 403),
        ]
    return rows


@pytest.mark.parametrize('persona', ['member-b', 'reader-a'])
def test_other_project_and_reader_are_refused(conns, world, persona):
    world = dict(world, project_a=conns['projects']['xp-a'].id)
    conn = conns[persona]
    before = _state(conns, world)
    failures = []
    for what, method, path, body, status in _attempts(world, persona):
        resp = _call(conn, method, path, body)
        if resp.status_code != status:
            failures.append('%s: %s %s -> %s, expected %s: %s' % (
                what, method, path, resp.status_code, status, resp.text[:150]))
        elif status >= 400 and 'NeutronError' not in resp.json():
            failures.append('%s: no NeutronError body' % what)
    assert not failures, '\n'.join(failures)
    assert _state(conns, world) == before
    # Listings: B lists none of A's resources; A's reader lists all of them.
    for collection in COLLECTIONS:
        listed = {item['id'] for item in _call(conn, 'GET', '/' + collection).json()[
            collection.replace('-', '_')]}
        assert (world[collection] in listed) == (persona == 'reader-a'), collection


def test_reader_reads_and_member_writes(conns, world):
    """The same calls the refused personas made work for A's member."""
    owner = conns['member-a']
    assert _call(owner, 'PUT', '/networks/' + world['networks'],
                 {'network': {'description': 'mine'}}).status_code == 200
    reader = conns['reader-a']
    shown = _call(reader, 'GET', '/networks/' + world['networks']).json()['network']
    assert shown['description'] == 'mine'
    # Neither the reader nor B see the binding; B does see the external network.
    port = _call(reader, 'GET', '/ports/' + world['ports']).json()['port']
    assert 'binding:host_id' not in port
    assert world['public'] in {n.id for n in conns['member-b'].network.networks()}
