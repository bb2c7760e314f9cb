"""The network API's default policy as a table: persona x operation -> status.

Every row runs through the real API application (in-code policy defaults,
noauth identity headers) against the in-process conductor. Each denied write
is checked to have changed nothing; allowed destructive calls get a fresh
target of their own.
"""

import itertools

import pytest

from tests.unit.network.conftest import ADMIN
from tests.unit.network.conftest import member

A, B = 'project-a', 'project-b'
_SEQ = itertools.count(1)  # unique ports, prefixes and addresses per call
PERSONAS = ('admin', 'member_a', 'reader_a', 'member_b', 'norole_a', 'service')
HEADERS = {
    'admin': ADMIN,
    'member_a': member(A),
    'reader_a': {'X-Project-Id': A, 'X-User-Id': 'reader-a', 'X-Roles': 'reader'},
    'member_b': member(B),
    # A project-scoped token whose only role grants nothing in this API.
    'norole_a': {'X-Project-Id': A, 'X-User-Id': 'nobody-a', 'X-Roles': 'custom'},
    # Compute's service user: keystone's service role in the service project.
    'service': {'X-Project-Id': 'service', 'X-User-Id': 'nova', 'X-Roles': 'service'},
}


class World:
    """Project A's resources (made by the admin for A), plus an external
    network with a subnet that A's router has its gateway on."""

    def __init__(self, api):
        self.api = api
        api.put('/quotas/' + A, {'quota': {r: -1 for r in (
            'network', 'subnet', 'subnetpool', 'port', 'router', 'floatingip',
            'security_group', 'security_group_rule')}})
        self.public = api.network(name='public', **{
            'router:external': True, 'provider:network_type': 'flat',
            'provider:physical_network': 'public'})
        # Automatic addresses come from below .100, so the addresses the table asks
        # for by number (.100 and up) are never taken by a random pick.
        api.subnet(self.public['id'], cidr='203.0.113.0/24', enable_dhcp=False,
                   allocation_pools=[{'start': '203.0.113.2', 'end': '203.0.113.99'}])
        self.net = self.make('networks', {'name': 'net-a'})
        self.subnet = self.make('subnets', {'network_id': self.net['id'], 'ip_version': 4,
                                            'cidr': '10.0.0.0/24'})
        self.port = self.make('ports', {'network_id': self.net['id']})
        self.router = self.make('routers', {'name': 'router-a', 'external_gateway_info': {
            'network_id': self.public['id']}})
        api.put('/routers/%s/add_router_interface' % self.router['id'],
                {'subnet_id': self.subnet['id']})
        self.fip = self.make('floatingips', {'floating_network_id': self.public['id'],
                                             'port_id': self.port['id']})
        self.sg = self.make('security-groups', {'name': 'sg-a'})
        self.rule = self.make('security-group-rules', {
            'security_group_id': self.sg['id'], 'direction': 'ingress', 'protocol': 'tcp',
            'port_range_min': 22, 'port_range_max': 22})
        self.pool = self.make('subnetpools', {'name': 'pool-a', 'prefixes': ['10.8.0.0/16'],
                                              'default_prefixlen': 24})

    def router_and_subnet(self):
        """A new router of A and a new subnet of A to attach to it."""
        net = self.make('networks', {'name': 'attach'})
        subnet = self.make('subnets', {'network_id': net['id'], 'ip_version': 4,
                                       'cidr': '10.6.%d.0/24' % next(_SEQ)})
        return dict(self.make('routers', {'name': 'attach'}), subnet=subnet['id'])

    def make(self, collection, attrs):
        resource = _RESOURCE[collection]
        body = {resource: dict(attrs, project_id=A)}
        return self.api.post('/' + collection, body).json[resource]


_RESOURCE = {'networks': 'network', 'subnets': 'subnet', 'ports': 'port',
             'routers': 'router', 'floatingips': 'floatingip',
             'security-groups': 'security_group',
             'security-group-rules': 'security_group_rule', 'subnetpools': 'subnetpool',
             'quotas': 'quota'}


def _call(api, method, path, headers, body=None):
    kwargs = {'headers': headers, 'expect_errors': True}
    if body is None:
        return api.app.request('/v2.0' + path, method=method, **kwargs)
    return api.app.request('/v2.0' + path, method=method, json_body=body, **kwargs)


# name -> (method, path(world, fresh), body(world, fresh) or None,
#          fresh(world) making a throw-away target or None, snapshot path(world, fresh),
#          expected statuses in PERSONAS order)
def _own(collection, attrs):
    return lambda w, f: {_RESOURCE[collection]: attrs(w)}


OPERATIONS = {
    # -- networks
    'show network': ('GET', lambda w, f: '/networks/' + w.net['id'], None, None, None,
                     (200, 200, 200, 404, 404, 200)),
    'update network': ('PUT', lambda w, f: '/networks/' + w.net['id'],
                       lambda w, f: {'network': {'name': 'x'}}, None,
                       lambda w, f: '/networks/' + w.net['id'],
                       (200, 200, 403, 404, 404, 403)),
    'share network': ('PUT', lambda w, f: '/networks/' + f['id'],
                      lambda w, f: {'network': {'shared': True}},
                      lambda w: w.make('networks', {'name': 'to-share'}),
                      lambda w, f: '/networks/' + f['id'],
                      (200, 403, 403, 404, 404, 403)),
    'delete network': ('DELETE', lambda w, f: '/networks/' + f['id'], None,
                       lambda w: w.make('networks', {'name': 'doomed'}),
                       lambda w, f: '/networks/' + f['id'],
                       (204, 204, 403, 404, 404, 403)),
    'create network': ('POST', lambda w, f: '/networks',
                       lambda w, f: {'network': {'name': 'mine'}}, None, '/networks',
                       (201, 201, 403, 201, 403, 403)),
    'create network for A': ('POST', lambda w, f: '/networks',
                             lambda w, f: {'network': {'name': 'for-a', 'project_id': A}},
                             None, '/networks', (201, 201, 403, 400, 403, 400)),
    'create shared network': ('POST', lambda w, f: '/networks',
                              lambda w, f: {'network': {'name': 's', 'shared': True}},
                              None, '/networks', (201, 403, 403, 403, 403, 403)),
    # -- subnets
    'show subnet': ('GET', lambda w, f: '/subnets/' + w.subnet['id'], None, None, None,
                    (200, 200, 200, 404, 404, 200)),
    'update subnet': ('PUT', lambda w, f: '/subnets/' + w.subnet['id'],
                      lambda w, f: {'subnet': {'name': 'x'}}, None,
                      lambda w, f: '/subnets/' + w.subnet['id'],
                      (200, 200, 403, 404, 404, 403)),
    'delete subnet': ('DELETE', lambda w, f: '/subnets/' + f['id'], None,
                      lambda w: w.make('subnets', {'network_id': w.net['id'],
                                                   'ip_version': 4,
                                                   'cidr': '10.9.%d.0/24' % next(_SEQ)}),
                      lambda w, f: '/subnets/' + f['id'],
                      (204, 204, 403, 404, 404, 403)),
    'create subnet on A': ('POST', lambda w, f: '/subnets',
                           lambda w, f: {'subnet': {'network_id': w.net['id'],
                                                    'ip_version': 4,
                                                    'cidr': '10.7.%d.0/24' % next(_SEQ)}},
                           None, '/subnets', (201, 201, 403, 404, 403, 403)),
    # -- ports
    'show port': ('GET', lambda w, f: '/ports/' + w.port['id'], None, None, None,
                  (200, 200, 200, 404, 404, 200)),
    'update port': ('PUT', lambda w, f: '/ports/' + w.port['id'],
                    lambda w, f: {'port': {'name': 'x'}}, None,
                    lambda w, f: '/ports/' + w.port['id'], (200, 200, 403, 404, 404, 200)),
    'bind port': ('PUT', lambda w, f: '/ports/' + w.port['id'],
                  lambda w, f: {'port': {'binding:host_id': 'compute-1'}}, None,
                  lambda w, f: '/ports/' + w.port['id'], (200, 403, 403, 404, 404, 200)),
    'delete port': ('DELETE', lambda w, f: '/ports/' + f['id'], None,
                    lambda w: w.make('ports', {'network_id': w.net['id']}),
                    lambda w, f: '/ports/' + f['id'], (204, 204, 403, 404, 404, 204)),
    'create port on A': ('POST', lambda w, f: '/ports',
                         lambda w, f: {'port': {'network_id': w.net['id']}}, None, '/ports',
                         (201, 201, 403, 404, 403, 403)),
    'create port for A': ('POST', lambda w, f: '/ports',
                          lambda w, f: {'port': {'network_id': w.net['id'],
                                                 'project_id': A}}, None, '/ports',
                          (201, 201, 403, 400, 403, 201)),
    # -- routers
    'show router': ('GET', lambda w, f: '/routers/' + w.router['id'], None, None, None,
                    (200, 200, 200, 404, 404, 404)),
    'update router': ('PUT', lambda w, f: '/routers/' + w.router['id'],
                      lambda w, f: {'router': {'name': 'x'}}, None,
                      lambda w, f: '/routers/' + w.router['id'],
                      (200, 200, 403, 404, 404, 404)),
    'router snat off': ('PUT', lambda w, f: '/routers/' + w.router['id'],
                        lambda w, f: {'router': {'external_gateway_info': {
                            'network_id': w.public['id'], 'enable_snat': False}}}, None,
                        lambda w, f: '/routers/' + w.router['id'],
                        (200, 403, 403, 404, 404, 404)),
    'delete router': ('DELETE', lambda w, f: '/routers/' + f['id'], None,
                      lambda w: w.make('routers', {'name': 'doomed'}),
                      lambda w, f: '/routers/' + f['id'], (204, 204, 403, 404, 404, 404)),
    'add router interface': ('PUT',
                             lambda w, f: '/routers/%s/add_router_interface' % f['id'],
                             lambda w, f: {'subnet_id': f['subnet']},
                             lambda w: w.router_and_subnet(),
                             lambda w, f: '/ports?device_id=' + f['id'],
                             (200, 200, 403, 404, 404, 404)),
    'remove router interface': ('PUT',
                                lambda w, f: '/routers/%s/remove_router_interface'
                                % w.router['id'],
                                lambda w, f: {'subnet_id': w.subnet['id']}, None,
                                lambda w, f: '/ports?device_id=' + w.router['id'],
                                (None, None, 403, 404, 404, 404)),
    'create router': ('POST', lambda w, f: '/routers',
                      lambda w, f: {'router': {'name': 'mine'}}, None, '/routers',
                      (201, 201, 403, 201, 403, 403)),
    # -- floating IPs
    # The service role reads them (a server's addresses show them), no more.
    'show floating ip': ('GET', lambda w, f: '/floatingips/' + w.fip['id'], None, None,
                         None, (200, 200, 200, 404, 404, 200)),
    'update floating ip': ('PUT', lambda w, f: '/floatingips/' + w.fip['id'],
                           lambda w, f: {'floatingip': {'description': 'x'}}, None,
                           lambda w, f: '/floatingips/' + w.fip['id'],
                           (200, 200, 403, 404, 404, 403)),
    'delete floating ip': ('DELETE', lambda w, f: '/floatingips/' + f['id'], None,
                           lambda w: w.make('floatingips',
                                            {'floating_network_id': w.public['id']}),
                           lambda w, f: '/floatingips/' + f['id'],
                           (204, 204, 403, 404, 404, 403)),
    'create floating ip': ('POST', lambda w, f: '/floatingips',
                           lambda w, f: {'floatingip': {
                               'floating_network_id': w.public['id']}}, None,
                           '/floatingips', (201, 201, 403, 201, 403, 403)),
    'create floating ip at address': ('POST', lambda w, f: '/floatingips',
                                      lambda w, f: {'floatingip': {
                                          'floating_network_id': w.public['id'],
                                          'floating_ip_address': '203.0.113.%d'
                                          % (100 + next(_SEQ))}}, None,
                                      '/floatingips', (201, 403, 403, 403, 403, 403)),
    # -- security groups and rules
    'show security group': ('GET', lambda w, f: '/security-groups/' + w.sg['id'], None,
                            None, None, (200, 200, 200, 404, 404, 200)),
    'update security group': ('PUT', lambda w, f: '/security-groups/' + w.sg['id'],
                              lambda w, f: {'security_group': {'description': 'x'}}, None,
                              lambda w, f: '/security-groups/' + w.sg['id'],
                              (200, 200, 403, 404, 404, 403)),
    'delete security group': ('DELETE', lambda w, f: '/security-groups/' + f['id'], None,
                              lambda w: w.make('security-groups', {'name': 'doomed'}),
                              lambda w, f: '/security-groups/' + f['id'],
                              (204, 204, 403, 404, 404, 403)),
    'create security group': ('POST', lambda w, f: '/security-groups',
                              lambda w, f: {'security_group': {'name': 'mine'}}, None,
                              '/security-groups', (201, 201, 403, 201, 403, 403)),
    'show rule': ('GET', lambda w, f: '/security-group-rules/' + w.rule['id'], None, None,
                  None, (200, 200, 200, 404, 404, 404)),
    'delete rule': ('DELETE', lambda w, f: '/security-group-rules/' + f['id'], None,
                    lambda w: w.make('security-group-rules', {
                        'security_group_id': w.sg['id'], 'direction': 'egress',
                        'protocol': 'udp', 'port_range_min': 2000,
                        'port_range_max': 2000 + next(_SEQ)}),
                    lambda w, f: '/security-group-rules/' + f['id'],
                    (204, 204, 403, 404, 404, 404)),
    'create rule in A': ('POST', lambda w, f: '/security-group-rules',
                         lambda w, f: {'security_group_rule': {
                             'security_group_id': w.sg['id'], 'direction': 'ingress',
                             'protocol': 'tcp', 'port_range_min': 1000,
                             'port_range_max': 1000 + next(_SEQ)}}, None,
                         lambda w, f: '/security-groups/' + w.sg['id'],
                         (201, 201, 403, 404, 403, 403)),
    # -- subnet pools
    'show subnetpool': ('GET', lambda w, f: '/subnetpools/' + w.pool['id'], None, None,
                        None, (200, 200, 200, 404, 404, 404)),
    'update subnetpool': ('PUT', lambda w, f: '/subnetpools/' + w.pool['id'],
                          lambda w, f: {'subnetpool': {'name': 'x'}}, None,
                          lambda w, f: '/subnetpools/' + w.pool['id'],
                          (200, 200, 403, 404, 404, 404)),
    'delete subnetpool': ('DELETE', lambda w, f: '/subnetpools/' + f['id'], None,
                          lambda w: w.make('subnetpools', {'name': 'doomed',
                                                           'prefixes': ['10.99.0.0/16']}),
                          lambda w, f: '/subnetpools/' + f['id'],
                          (204, 204, 403, 404, 404, 404)),
    'create shared subnetpool': ('POST', lambda w, f: '/subnetpools',
                                 lambda w, f: {'subnetpool': {
                                     'name': 's', 'shared': True,
                                     'prefixes': ['10.%d.0.0/16' % (100 + next(_SEQ))]}},
                                 None, '/subnetpools', (201, 403, 403, 403, 403, 403)),
    # -- quotas, agents, zones, extensions
    'show quota of A': ('GET', lambda w, f: '/quotas/' + A, None, None, None,
                        (200, 200, 200, 403, 403, 403)),
    'update quota of A': ('PUT', lambda w, f: '/quotas/' + A,
                          lambda w, f: {'quota': {'network': 42}}, None,
                          lambda w, f: '/quotas/' + A, (200, 403, 403, 403, 403, 403)),
    'reset quota of A': ('DELETE', lambda w, f: '/quotas/' + A, None, None,
                         lambda w, f: '/quotas/' + A, (204, 403, 403, 403, 403, 403)),
    'list quotas': ('GET', lambda w, f: '/quotas', None, None, None,
                    (200, 403, 403, 403, 403, 403)),
    # Non-admins list no agents (200, empty), as neutron answers them.
    'list agents': ('GET', lambda w, f: '/agents', None, None, None,
                    (200, 200, 200, 200, 200, 200)),
    'ip availability': ('GET', lambda w, f: '/network-ip-availabilities', None, None, None,
                        (200, 403, 403, 403, 403, 403)),
    'availability zones': ('GET', lambda w, f: '/availability_zones', None, None, None,
                           (200, 200, 200, 200, 403, 403)),
    'extensions': ('GET', lambda w, f: '/extensions', None, None, None,
                   (200, 200, 200, 200, 200, 200)),
}


@pytest.fixture
def world(api):
    return World(api)


def _snapshot(world, snapshot, fresh):
    if snapshot is None:
        return None
    path = snapshot(world, fresh) if callable(snapshot) else snapshot
    resp = _call(world.api, 'GET', path, ADMIN)
    return resp.status_int, resp.body


def _check_row(world, name, failures):
    """The refused personas first, between two snapshots of the target (they
    must change nothing), then the allowed ones, each on a fresh target."""
    method, path, body, fresh_maker, snapshot, expected = OPERATIONS[name]
    statuses = dict(zip(PERSONAS, expected))
    refused = [p for p in PERSONAS if statuses[p] is not None and statuses[p] >= 400]
    allowed = [p for p in PERSONAS if statuses[p] is not None and statuses[p] < 400]
    shared = fresh_maker(world) if fresh_maker and refused else None
    before = _snapshot(world, snapshot, shared) if method != 'GET' else None
    for persona in refused + allowed:
        fresh = shared if persona in refused else (fresh_maker(world) if fresh_maker
                                                   else None)
        resp = _call(world.api, method, path(world, fresh), HEADERS[persona],
                     body(world, fresh) if body else None)
        if resp.status_int != statuses[persona]:
            failures.append('%s as %s: %s, expected %s (%s)' % (
                name, persona, resp.status_int, statuses[persona], resp.body[:120]))
        elif resp.status_int >= 400:
            assert set(resp.json['NeutronError']) == {'type', 'message', 'detail'}
        last_refusal = refused and persona == refused[-1]
        if last_refusal and method != 'GET' and before != _snapshot(world, snapshot, shared):
            failures.append('%s was refused but changed %s' % (
                name, snapshot(world, shared) if callable(snapshot) else snapshot))


def test_persona_by_operation_table(world):
    """Every row, every persona; refused calls leave their target as it was."""
    failures = []
    for name in OPERATIONS:
        _check_row(world, name, failures)
    assert not failures, '\n'.join(failures)


def test_remove_router_interface_by_its_member(world):
    """The table's removal row leaves the interface to its router's member."""
    path = '/routers/%s/remove_router_interface' % world.router['id']
    member_a = HEADERS['member_a']
    assert _call(world.api, 'PUT', path, member_a,
                 {'subnet_id': world.subnet['id']}).status_int == 409  # the floating IP
    _call(world.api, 'PUT', '/floatingips/' + world.fip['id'], member_a,
          {'floatingip': {'port_id': None}})
    assert _call(world.api, 'PUT', path, member_a,
                 {'subnet_id': world.subnet['id']}).status_int == 200
    assert world.api.get('/ports?device_owner=network:router_interface&device_id='
                         + world.router['id']).json['ports'] == []


# collection -> the World attribute listed, and the personas that list it.
LISTINGS = {
    'networks': ('net', {'admin', 'member_a', 'reader_a', 'service'}),
    'subnets': ('subnet', {'admin', 'member_a', 'reader_a', 'service'}),
    'ports': ('port', {'admin', 'member_a', 'reader_a', 'service'}),
    'routers': ('router', {'admin', 'member_a', 'reader_a'}),
    'floatingips': ('fip', {'admin', 'member_a', 'reader_a', 'service'}),
    'security-groups': ('sg', {'admin', 'member_a', 'reader_a', 'service'}),
    'security-group-rules': ('rule', {'admin', 'member_a', 'reader_a'}),
    'subnetpools': ('pool', {'admin', 'member_a', 'reader_a'}),
}


def test_listings_by_persona(world):
    failures = []
    for collection, (attr, listed_by) in LISTINGS.items():
        wanted = getattr(world, attr)['id']
        key = collection.replace('-', '_')
        for persona in PERSONAS:
            resp = _call(world.api, 'GET', '/' + collection, HEADERS[persona])
            ids = {item['id'] for item in resp.json[key]}
            if (wanted in ids) != (persona in listed_by):
                failures.append('%s listed by %s: %s' % (collection, persona, wanted in ids))
    assert not failures, '\n'.join(failures)
    # The external network is listed for every project that may read at all.
    for persona in ('member_b', 'reader_a'):
        ids = {n['id'] for n in _call(world.api, 'GET', '/networks',
                                      HEADERS[persona]).json['networks']}
        assert world.public['id'] in ids


def test_tokens_scoped_to_no_project_are_refused(api):
    unscoped = {'X-Project-Id': '', 'X-User-Id': 'someone', 'X-Roles': 'admin'}
    for method, path in (('GET', '/networks'), ('POST', '/networks'),
                         ('GET', '/extensions'), ('DELETE', '/quotas/x')):
        body = {'network': {'name': 'orphan'}} if method == 'POST' else None
        resp = _call(api, method, path, unscoped, body)
        assert resp.status_int == 403, (method, path)
        assert resp.json['NeutronError']['type'] == 'HTTPForbidden'
    assert not [n for n in api.get('/networks').json['networks'] if n['name'] == 'orphan']
    # Version discovery stays open.
    assert api.app.get('/', headers=unscoped).status_int == 200
