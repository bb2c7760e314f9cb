"""Role x operation: who may do what through the compute API, in-process.

Six callers: an admin, a member and a reader of project A, a member of
project B, a user of A with no role, and a service user (keystone's
``service`` role in the service project).  Every operation is tried by each
of them; denied ones must answer 403 (or 404 where the resource belongs to
another project) and change nothing; allowed ones must get past the policy.
"""

import re

import pytest

from services.compute import clients
from services.compute.api import app as api_app
from services.compute.clients import fake as fake_clients
from services.compute.api import policies
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import headers
from tests.unit.compute.test_server_flow import Cloud

A, B = 'project-a', 'project-b'
ADMIN = {'X-User-Id': 'admin', 'X-Project-Id': 'admin', 'X-Roles': 'admin,member,reader'}
MEMBER_A = {'X-User-Id': 'member-a', 'X-Project-Id': A, 'X-Roles': 'member,reader'}
READER_A = {'X-User-Id': 'reader-a', 'X-Project-Id': A, 'X-Roles': 'reader'}
MEMBER_B = {'X-User-Id': 'member-b', 'X-Project-Id': B, 'X-Roles': 'member,reader'}
NOROLE_A = {'X-User-Id': 'norole-a', 'X-Project-Id': A, 'X-Roles': ''}
SERVICE = {'X-User-Id': 'nova', 'X-Project-Id': 'service', 'X-Roles': 'service'}
CALLERS = {'admin': ADMIN, 'member-a': MEMBER_A, 'reader-a': READER_A,
           'member-b': MEMBER_B, 'norole-a': NOROLE_A, 'service': SERVICE}

OK = 'ok'
# kind -> caller -> OK or the status a refusal gets
KINDS = {
    # A's resources: read by its readers, written by its members, hidden from B
    'reader': dict(admin=OK, **{'member-a': OK, 'reader-a': OK, 'norole-a': 403,
                                'member-b': 404, 'service': 404}),
    'member': dict(admin=OK, **{'member-a': OK, 'reader-a': 403, 'norole-a': 403,
                                'member-b': 404, 'service': 404}),
    'server-admin': dict(admin=OK, **{'member-a': 403, 'reader-a': 403, 'norole-a': 403,
                                      'member-b': 404, 'service': 404}),
    # the caller's own project
    'list': dict(admin=OK, **{'member-a': OK, 'reader-a': OK, 'norole-a': 403,
                              'member-b': OK, 'service': 403}),
    'create': dict(admin=OK, **{'member-a': OK, 'reader-a': 403, 'norole-a': 403,
                                'member-b': OK, 'service': 403}),
    # project A named in the URL
    'project-a': dict(admin=OK, **{'member-a': OK, 'reader-a': OK, 'norole-a': 403,
                                   'member-b': 403, 'service': 403}),
    'limits-a': dict(admin=OK, **{'member-a': OK, 'reader-a': OK, 'norole-a': OK,
                                  'member-b': 403, 'service': 403}),
    # user member-a's key pairs named by user_id
    'user-a': dict(admin=OK, **{'member-a': OK, 'reader-a': 403, 'norole-a': 403,
                                'member-b': 403, 'service': 403}),
    'private-flavor': dict(admin=OK, **{'member-a': OK, 'reader-a': OK, 'norole-a': OK,
                                        'member-b': 404, 'service': 404}),
    'admin': dict(admin=OK, **{'member-a': 403, 'reader-a': 403, 'norole-a': 403,
                               'member-b': 403, 'service': 403}),
    'any': {name: OK for name in CALLERS},
    # other services' calls: their service role, or an admin
    'service-api': dict(admin=OK, service=OK, **{'member-a': 403, 'reader-a': 403,
                                                 'norole-a': 403, 'member-b': 403}),
    # A's resources in the network service behind compute's proxies: the
    # policy sees the caller's own project, the network service hides A's
    'proxy-read': dict(admin=OK, **{'member-a': OK, 'reader-a': OK, 'norole-a': 403,
                                    'member-b': 404, 'service': 403}),
    'proxy-write': dict(admin=OK, **{'member-a': OK, 'reader-a': 403, 'norole-a': 403,
                                     'member-b': 404, 'service': 403}),
}

S = '/servers/{server}'


def _act(body):
    return ('POST', S + '/action', body)


# (kind, method, path, body); reads run against A's server, writes by allowed
# callers against a second server of A (or a fresh resource: "{fresh_*}").
OPERATIONS = [
    ('reader', 'GET', S, None),
    ('reader', 'GET', S + '/metadata', None),
    ('reader', 'GET', S + '/metadata/k', None),
    ('reader', 'GET', S + '/tags', None),
    ('reader', 'GET', S + '/tags/t1', None),
    ('reader', 'GET', S + '/ips', None),
    ('reader', 'GET', S + '/ips/private', None),
    ('reader', 'GET', S + '/os-instance-actions', None),
    ('reader', 'GET', S + '/os-instance-actions/{request}', None),
    ('reader', 'GET', S + '/os-interface', None),
    ('reader', 'GET', S + '/os-interface/{port}', None),
    ('reader', 'GET', '/os-server-groups/{group}', None),
    ('list', 'GET', '/servers', None),
    ('list', 'GET', '/servers/detail', None),
    ('list', 'GET', '/os-server-groups', None),
    ('list', 'GET', '/os-availability-zone', None),
    ('list', 'GET', '/flavors/m1.nano/os-extra_specs', None),
    ('list', 'GET', '/flavors/m1.nano/os-extra_specs/hw:cpu_policy', None),
    ('any', 'GET', '/flavors', None),
    ('any', 'GET', '/flavors/detail', None),
    ('any', 'GET', '/flavors/m1.nano', None),
    ('private-flavor', 'GET', '/flavors/p-a', None),
    ('any', 'GET', '/limits', None),
    ('any', 'GET', '/extensions', None),
    ('any', 'GET', '/extensions/os-hosts', None),
    ('limits-a', 'GET', '/limits?tenant_id=' + A, None),
    ('any', 'GET', '/os-quota-sets/%s/defaults' % A, None),
    ('project-a', 'GET', '/os-quota-sets/' + A, None),
    ('project-a', 'GET', '/os-quota-sets/%s/detail' % A, None),
    ('project-a', 'GET', '/os-simple-tenant-usage/' + A, None),
    ('any', 'GET', '/os-keypairs', None),
    ('any', 'POST', '/os-keypairs', {'keypair': {'name': 'k-{who}'}}),
    ('user-a', 'GET', '/os-keypairs?user_id=member-a', None),
    ('user-a', 'GET', '/os-keypairs/ka?user_id=member-a', None),
    ('user-a', 'DELETE', '/os-keypairs/{fresh_keypair}?user_id=member-a', None),
    ('create', 'POST', '/servers', {'server': {
        'name': 'new-{who}', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'm1.nano',
        'networks': 'none'}}),
    ('create', 'POST', '/os-server-groups', {'server_group': {
        'name': 'g-{who}', 'policies': ['anti-affinity']}}),
    ('member', 'DELETE', '/os-server-groups/{fresh_group}', None),
    ('member', 'PUT', S, {'server': {'name': 'renamed-{who}'}}),
    ('member', 'POST', S + '/metadata', {'metadata': {'n': 'x'}}),
    ('member', 'PUT', S + '/metadata', {'metadata': {'k': 'v', 'n': 'y'}}),
    ('member', 'PUT', S + '/metadata/k', {'meta': {'k': 'w'}}),
    ('member', 'DELETE', S + '/metadata/{fresh_meta}', None),
    ('member', 'PUT', S + '/tags', {'tags': ['t1', 't2']}),
    ('member', 'PUT', S + '/tags/t3', None),
    ('member', 'DELETE', S + '/tags/{fresh_tag}', None),
    ('member', 'DELETE', S + '/tags', None),
    ('member', 'POST', S + '/os-interface', {'interfaceAttachment': {
        'net_id': fixtures.NETWORK_ID}}),
    ('member', 'DELETE', S + '/os-interface/{fresh_port}', None),
    ('member',) + _act({'reboot': {'type': 'SOFT'}}),
    ('member',) + _act({'os-stop': None}),
    ('member',) + _act({'os-start': None}),
    ('member',) + _act({'pause': None}),
    ('member',) + _act({'unpause': None}),
    ('member',) + _act({'suspend': None}),
    ('member',) + _act({'resume': None}),
    ('member',) + _act({'rescue': None}),
    ('member',) + _act({'unrescue': None}),
    ('member',) + _act({'os-getConsoleOutput': {'length': 5}}),
    ('member',) + _act({'createImage': {'name': 'snap-{who}'}}),
    ('member',) + _act({'createBackup': {'name': 'backup-{who}', 'backup_type': 'daily',
                                         'rotation': 1}}),
    ('member',) + _act({'resize': {'flavorRef': 'm1.small'}}),
    ('member',) + _act({'confirmResize': None}),
    ('member',) + _act({'revertResize': None}),
    ('member',) + _act({'rebuild': {'imageRef': fixtures.IMAGE_ID}}),
    ('member',) + _act({'addSecurityGroup': {'name': 'web-{who}'}}),
    ('member',) + _act({'removeSecurityGroup': {'name': 'web-{who}'}}),
    ('member',) + _act({'restore': None}),
    ('member',) + _act({'lock': None}),
    ('member',) + _act({'unlock': None}),
    ('member',) + _act({'shelve': None}),
    ('member',) + _act({'unshelve': None}),
    ('server-admin',) + _act({'shelveOffload': None}),
    ('server-admin',) + _act({'migrate': None}),
    ('server-admin',) + _act({'evacuate': {'host': 'node1'}}),
    ('server-admin',) + _act({'os-resetState': {'state': 'active'}}),
    ('member', 'POST', '/servers/{fresh_server}/action', {'forceDelete': None}),
    ('member', 'DELETE', '/servers/{fresh_server}', None),
    ('service-api', 'POST', '/os-server-external-events', {'events': [
        {'name': 'network-changed', 'server_uuid': '{server}'}]}),
    # a volume attached to no server: the allowed callers get nova's 400
    ('service-api', 'POST', '/os-assisted-volume-snapshots', {'snapshot': {
        'volume_id': '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a0f', 'create_info': {
            'snapshot_id': 's1', 'type': 'qcow2', 'new_file': 'f1'}}}),
    ('service-api', 'DELETE', '/os-assisted-volume-snapshots/s1?delete_info='
                              '%7B%22volume_id%22%3A%20%22v1%22%7D', None),
    # cloud administration
    ('admin', 'GET', '/os-simple-tenant-usage', None),
    ('admin', 'GET', '/os-migrations', None),
    ('admin', 'GET', '/os-quota-class-sets/default', None),
    ('admin', 'PUT', '/os-quota-class-sets/other', {'quota_class_set': {'instances': 20}}),
    ('admin', 'GET', '/os-hosts', None),
    ('admin', 'GET', '/os-hosts/node1', None),
    ('admin', 'PUT', '/os-hosts/node1', {'status': 'enable'}),
    ('reader', 'GET', S + '/os-server-password', None),
    ('member', 'DELETE', S + '/os-server-password', None),
    ('server-admin', 'GET', S + '/migrations', None),
    ('admin', 'GET', '/os-availability-zone/detail', None),
    ('admin', 'PUT', '/os-quota-sets/' + A, {'quota_set': {'instances': 20}}),
    ('admin', 'DELETE', '/os-quota-sets/' + A, None),
    ('admin', 'POST', '/flavors', {'flavor': {'name': 'f-{who}', 'ram': 64, 'vcpus': 1,
                                              'disk': 0}}),
    ('admin', 'DELETE', '/flavors/{fresh_flavor}', None),
    ('admin', 'GET', '/flavors/p-a/os-flavor-access', None),
    ('admin', 'POST', '/flavors/p-a/action', {'addTenantAccess': {'tenant': B}}),
    ('admin', 'POST', '/flavors/p-a/action', {'removeTenantAccess': {'tenant': B}}),
    ('admin', 'POST', '/flavors/m1.nano/os-extra_specs', {'extra_specs': {'a': 'b'}}),
    ('admin', 'PUT', '/flavors/m1.nano/os-extra_specs/a', {'a': 'c'}),
    ('admin', 'DELETE', '/flavors/m1.nano/os-extra_specs/a', None),
    ('admin', 'GET', '/os-aggregates', None),
    ('admin', 'POST', '/os-aggregates', {'aggregate': {'name': 'agg-{who}'}}),
    ('admin', 'GET', '/os-aggregates/{aggregate}', None),
    ('admin', 'PUT', '/os-aggregates/{aggregate}', {'aggregate': {'name': 'agg1'}}),
    ('admin', 'POST', '/os-aggregates/{aggregate}/action',
     {'set_metadata': {'metadata': {'ssd': 'true'}}}),
    ('admin', 'POST', '/os-aggregates/{aggregate}/action', {'add_host': {'host': 'node1'}}),
    ('admin', 'POST', '/os-aggregates/{aggregate}/action',
     {'remove_host': {'host': 'node1'}}),
    ('admin', 'DELETE', '/os-aggregates/{fresh_aggregate}', None),
    ('admin', 'GET', '/os-services', None),
    ('admin', 'PUT', '/os-services/{service}', {'status': 'enabled'}),
    ('admin', 'DELETE', '/os-services/{fresh_service}', None),
    ('admin', 'GET', '/os-hypervisors', None),
    ('admin', 'GET', '/os-hypervisors/detail', None),
    ('admin', 'GET', '/os-hypervisors/statistics', None),
    ('admin', 'GET', '/os-hypervisors/{hypervisor}', None),
    ('admin', 'GET', '/os-hypervisors/{hypervisor}/uptime', None),
]

# Routes that need an older microversion than the table's 2.53.
OLD_VERSION = {'/os-hypervisors/{pattern}/search': '2.52',
               '/os-hypervisors/{hypervisor_id}/servers': '2.52'}
# Routes of later microversions, at the version that has them.
# (A server's live migrations: none exist, so even the admin's abort is a 404;
# test_microversions_2_54_2_100 checks who gets which.)
NEW_VERSION = {S + '/topology': '2.78', '/flavors/m1.nano': '2.55'}
OPERATIONS += [
    ('reader', 'GET', S + '/topology', None),
    ('admin', 'PUT', '/flavors/m1.nano', {'flavor': {'description': 'd'}}),
]
OPERATIONS += [
    ('admin', 'GET', '/os-hypervisors/node/search', None),
    ('admin', 'GET', '/os-hypervisors/node/servers', None),
]
# The network proxies, served up to 2.35: the network service decides with
# the caller's token what it sees of A's groups and addresses.
OPERATIONS += [
    ('reader', 'GET', S + '/os-security-groups', None),
    ('list', 'GET', '/os-security-groups', None),
    ('proxy-read', 'GET', '/os-security-groups/{secgroup}', None),
    ('create', 'POST', '/os-security-groups', {'security_group': {
        'name': 'sg-{who}', 'description': 'd'}}),
    ('proxy-write', 'PUT', '/os-security-groups/{secgroup}', {'security_group': {
        'name': 'sg-a', 'description': 'changed'}}),
    ('proxy-write', 'DELETE', '/os-security-groups/{fresh_secgroup}', None),
    ('proxy-write', 'POST', '/os-security-group-rules', {'security_group_rule': {
        'parent_group_id': '{secgroup}', 'ip_protocol': 'tcp', 'from_port': 22,
        'to_port': 22, 'cidr': '10.0.0.0/8'}}),
    ('proxy-write', 'DELETE', '/os-security-group-rules/{fresh_secrule}', None),
    ('list', 'GET', '/os-floating-ips', None),
    ('proxy-read', 'GET', '/os-floating-ips/{fip}', None),
    ('create', 'POST', '/os-floating-ips', {'pool': 'public'}),
    ('proxy-write', 'DELETE', '/os-floating-ips/{fresh_fip}', None),
    ('any', 'GET', '/os-floating-ip-pools', None),
    ('list', 'GET', '/os-networks', None),
    ('list', 'GET', '/os-networks/' + fixtures.NETWORK_ID, None),
    ('list', 'GET', '/os-tenant-networks', None),
    ('list', 'GET', '/os-tenant-networks/' + fixtures.NETWORK_ID, None),
]
PUBLIC = '5b2f1d8e-4d3c-4b8a-9e6f-0c1d2e3f4a5b'

# The image proxy, served up to 2.35 (its metadata up to 2.38): the image
# service, not this API's policy, decides what each caller sees.
OLD_PREFIXES = {'/images': '2.35', '/os-hosts': '2.42', '/os-security-group': '2.35', '/os-floating-ip': '2.35',
                '/os-networks': '2.35', '/os-tenant-networks': '2.35'}
OPERATIONS += [
    ('any', 'GET', '/images', None),
    ('any', 'GET', '/images/detail', None),
    ('any', 'GET', '/images/' + fixtures.IMAGE_ID, None),
    ('any', 'GET', '/images/%s/metadata' % fixtures.IMAGE_ID, None),
]


class World:
    """Project A's resources, and fresh ones for allowed destructive calls."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.app = cloud.app
        cloud.flavor()
        cloud.flavor(name='m1.small', ram=128, vcpus=1)
        self.app.post_json('/v2.1/flavors/m1.nano/os-extra_specs',
                           {'extra_specs': {'hw:cpu_policy': 'shared'}}, headers=ADMIN)
        cloud.flavor(name='p-a', **{'os-flavor-access:is_public': False})
        self.app.post_json('/v2.1/flavors/p-a/action', {'addTenantAccess': {'tenant': A}},
                           headers=ADMIN)
        self.node = cloud.add_compute('node1')
        self.call('POST', '/os-keypairs', {'keypair': {'name': 'ka'}}, MEMBER_A)
        self.group = self.call('POST', '/os-server-groups', {'server_group': {
            'name': 'ga', 'policies': ['affinity']}}, MEMBER_A).json['server_group']['id']
        self.read = self._server('sa')
        self.write = self._server('va')
        self.aggregate = self.call('POST', '/os-aggregates', {
            'aggregate': {'name': 'agg0'}}, ADMIN).json['aggregate']['id']
        self.service = self.call('GET', '/os-services?binary=nova-compute', None,
                                 ADMIN).json['services'][0]['id']
        self.hypervisor = self.call('GET', '/os-hypervisors', None,
                                    ADMIN).json['hypervisors'][0]['id']
        fake_clients.seed(str(cloud.env.tmp_path / 'fake'), networks=[
            {'id': PUBLIC, 'name': 'public', 'cidr': '203.0.113.0/24', 'shared': True,
             'router:external': True}])
        for who in ('admin', 'member-a'):
            self._secgroup('web-' + who)
        self.secgroup = self._secgroup('sg-a')
        self.secrule = self._secrule()
        self.fip = self.fresh('fip', 'a')

    def _secgroup(self, name):
        return self.call('POST', '/os-security-groups', {'security_group': {
            'name': name, 'description': 'd'}}, MEMBER_A, version='2.35').json[
            'security_group']['id']

    def _secrule(self, port=80):
        return self.call('POST', '/os-security-group-rules', {'security_group_rule': {
            'parent_group_id': self.secgroup, 'ip_protocol': 'tcp', 'from_port': port,
            'to_port': port}}, MEMBER_A, version='2.35').json['security_group_rule']['id']

    def call(self, method, path, body, who, status='*', version='2.53'):
        return self.app.request('/v2.1' + path, method=method,
                                headers=dict(headers(who, version),
                                             **{'Content-Type': 'application/json'}),
                                body=b'' if body is None else _json(body), status=status,
                                expect_errors=True)

    def _server(self, name):
        body = {'server': {'name': name, 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'm1.nano',
                           'networks': 'auto', 'metadata': {'k': 'v'}, 'tags': ['t1']}}
        server_id = self.call('POST', '/servers', body, MEMBER_A).json['server']['id']
        self.cloud.wait(server_id, 'ACTIVE')
        port = self.call('GET', '/servers/%s/os-interface' % server_id, None,
                         ADMIN).json['interfaceAttachments'][0]['port_id']
        request = self.call('GET', '/servers/%s/os-instance-actions' % server_id, None,
                            ADMIN).json['instanceActions'][0]['request_id']
        return {'server': server_id, 'port': port, 'request': request,
                'group': self.group}

    def ids(self, write):
        values = dict(self.write if write else self.read, aggregate=self.aggregate,
                      service=self.service, hypervisor=self.hypervisor,
                      secgroup=self.secgroup, fip=self.fip)
        return values

    def fresh(self, kind, who):
        if kind == 'server':
            return self.call('POST', '/servers', {'server': {
                'name': 'fresh', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'm1.nano',
                'networks': 'none'}}, MEMBER_A).json['server']['id']
        if kind == 'group':
            return self.call('POST', '/os-server-groups', {'server_group': {
                'name': 'fresh', 'policies': ['affinity']}}, MEMBER_A).json['server_group']['id']
        if kind == 'keypair':
            name = 'fresh-%s' % who
            self.call('POST', '/os-keypairs', {'keypair': {'name': name}}, MEMBER_A)
            return name
        if kind == 'flavor':
            return self.cloud.flavor(name='fresh-%s' % who)['id']
        if kind == 'secgroup':
            return self._secgroup('fresh-' + who)
        if kind == 'secrule':
            return self._secrule(port=1000 + len(who) * 7 + ord(who[0]))
        if kind == 'fip':
            resp = self.call('POST', '/os-floating-ips', None, MEMBER_A, version='2.35')
            assert resp.status_int == 200, resp.body
            return resp.json['floating_ip']['id']
        if kind == 'aggregate':
            return self.call('POST', '/os-aggregates', {'aggregate': {
                'name': 'fresh-%s' % who}}, ADMIN).json['aggregate']['id']
        server = self.write['server']
        if kind == 'meta':
            self.call('PUT', '/servers/%s/metadata/m-%s' % (server, who),
                      {'meta': {'m-' + who: 'x'}}, MEMBER_A, status=200)
            return 'm-' + who
        if kind == 'tag':
            self.call('PUT', '/servers/%s/tags/t-%s' % (server, who), None, MEMBER_A,
                      status=201)
            return 't-' + who
        if kind == 'port':
            resp = self.call('POST', '/servers/%s/os-interface' % server, {
                'interfaceAttachment': {'net_id': fixtures.NETWORK_ID}}, MEMBER_A)
            assert resp.status_int == 200, resp.body
            return resp.json['interfaceAttachment']['port_id']
        if kind == 'service':
            return '8d1e8f4c-0d5e-4c8e-9f55-%012d' % len(who)  # none: a 404 for admins

    def snapshot(self, path):
        """What a refused write on ``path`` must leave as it was."""
        get = lambda url: self.call('GET', url, None, ADMIN, status=200).json  # noqa: E731
        first = path.split('/')[1].split('?')[0]
        if path.startswith('/servers/'):
            server_id = self.read['server']
            server = get('/servers/%s' % server_id)['server']
            return ({k: server[k] for k in ('name', 'status', 'locked', 'metadata', 'tags',
                                            'OS-EXT-STS:task_state', 'security_groups',
                                            'OS-EXT-SRV-ATTR:host', 'flavor')},
                    len(get('/servers/%s/os-instance-actions' % server_id)['instanceActions']),
                    get('/servers/%s/os-interface' % server_id))
        if first == 'servers':
            return sorted(s['name'] for s in get('/servers?all_tenants=1')['servers'])
        if first == 'os-server-groups':
            return sorted((g['id'], tuple(g['members'])) for g in get(
                '/os-server-groups?all_projects=True')['server_groups'])
        if first == 'os-keypairs':
            return sorted(k['keypair']['name'] for k in get(
                '/os-keypairs?user_id=member-a')['keypairs'])
        if first == 'flavors':
            return (sorted((f['id'], f['ram']) for f in get('/flavors/detail?is_public=none')[
                'flavors']), get('/flavors/p-a/os-flavor-access'),
                get('/flavors/m1.nano/os-extra_specs'))
        if first == 'os-aggregates':
            return sorted((a['name'], tuple(a['hosts']), tuple(a['metadata'].items()))
                          for a in get('/os-aggregates')['aggregates'])
        if first == 'os-quota-class-sets':
            return get('/os-quota-class-sets/other')
        if first == 'os-quota-sets':
            return get('/os-quota-sets/' + A)
        if first in ('os-security-groups', 'os-security-group-rules', 'os-floating-ips'):
            neutron = clients.network_client().neutron
            return neutron.groups.read(), neutron.floatingips.read()
        if first in ('os-server-external-events', 'os-assisted-volume-snapshots'):
            return ()  # forwarded to the host; nothing changes here
        if first in ('os-services', 'os-hosts'):
            return [(s['id'], s['status'], s['forced_down'])
                    for s in get('/os-services')['services']]
        raise AssertionError('no state known for %s' % path)


def _json(body):
    import json
    return json.dumps(body).encode()


def _fill(value, who, server='', secgroup=''):
    if isinstance(value, dict):
        return {_fill(k, who, server, secgroup): _fill(v, who, server, secgroup)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, who, server, secgroup) for v in value]
    if isinstance(value, str):
        return value.replace('{who}', who).replace('{server}', server).replace(
            '{secgroup}', secgroup)
    return value


@pytest.fixture
def world(env, app):
    return World(Cloud(env, app))


def _version(path, template, method):
    if method != 'GET' or template.endswith('/topology'):
        for newer, version in NEW_VERSION.items():
            if template == newer:
                return version
    for prefix, version in OLD_PREFIXES.items():
        if path.startswith(prefix):
            return version
    for template, version in OLD_VERSION.items():
        sample = re.sub(r'\{\w+\}', 'node', template)
        if path == sample:
            return version
    return '2.53'


def _path(world, template, method, allowed, who):
    fresh = re.search(r'\{fresh_(\w+)\}', template)
    if fresh:
        # Allowed callers use up a resource of their own; refused ones aim at
        # A's long-lived one.
        if allowed:
            value = world.fresh(fresh.group(1), who)
        else:
            value = {'server': world.read['server'], 'group': world.group, 'keypair': 'ka',
                     'flavor': 'm1.nano', 'meta': 'k', 'tag': 't1', 'port': world.read['port'],
                     'aggregate': world.aggregate, 'service': world.service,
                     'secgroup': world.secgroup, 'secrule': world.secrule,
                     'fip': world.fip}[fresh.group(1)]
        template = template.replace(fresh.group(0), str(value))
    return template.format(**world.ids(method != 'GET' and allowed))


def test_every_caller_gets_what_the_policy_table_says(world):
    try:
        _check_every_caller(world)
    finally:
        world.cloud.settle()


def _check_every_caller(world):
    failures = []
    for kind, method, template, body in OPERATIONS:
        # The allowed callers first; then the refused ones, with the state
        # they must not change read before and after.
        allowed = [who for who in CALLERS if KINDS[kind][who] == OK]
        refused = [who for who in CALLERS if KINDS[kind][who] != OK]
        before = None
        for who in allowed + refused:
            expected = KINDS[kind][who]
            if expected != OK and before is None and method != 'GET':
                before = world.snapshot(template)
            path = _path(world, template, method, expected == OK, who)
            resp = world.call(method, path, _fill(body, who, world.read['server'],
                                                  world.secgroup), CALLERS[who],
                              version=_version(path, template, method))
            status = resp.status_int
            label = '%s %s %s as %s' % (method, path, next(iter(body or {None: 0})) or '', who)
            if status >= 500:
                failures.append('%s: %d %s' % (label, status, resp.body[:200]))
            elif expected == OK and status in (401, 403):
                failures.append('%s: refused with %d' % (label, status))
            elif expected == OK and status == 404 and kind != 'admin':
                failures.append('%s: not found' % label)
            elif expected != OK and status != expected:
                failures.append('%s: %d instead of %d' % (label, status, expected))
        if before is not None and world.snapshot(template) != before:
            failures.append('%s %s: refused, but changed something' % (method, template))
    assert not failures, '\n'.join(failures)


def test_every_route_has_a_rule():
    """The table is the audit: every route the API serves is named by a rule."""
    covered = {(method, path) for _, _, _, operations in policies.TABLE
               for method, path in operations}
    missing = []
    for method, regex, handler, _ in api_app.build_router().routes:
        if not any(m == method and regex.match(re.sub(r'\{\w+\}', 'x', p))
                   for m, p in covered):
            missing.append('%s %s' % (method, regex.pattern))
    assert not missing, missing


def test_every_rule_is_a_known_persona():
    personas = {policies.ADMIN, policies.MEMBER, policies.READER, policies.OWNER_USER,
                policies.SERVICE, policies.ANY}
    assert {check for _, check, _, _ in policies.TABLE} <= personas
    writes = [name for name, check, _, operations in policies.TABLE
              if check == policies.READER and any(m != 'GET' for m, _ in operations)]
    assert writes == []
