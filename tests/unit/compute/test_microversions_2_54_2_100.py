"""Microversions 2.54 - 2.100 as the Compute API reference describes them:
the fields each adds to or removes from server, flavor, instance action,
migration, server group, keypair and hypervisor bodies, and the request
fields each starts (or stops) accepting."""

import types

import pytest

from services.compute.api.views import servers as views
from services.compute.objects import instance as inst_obj
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers

#: The full view of an ACTIVE server an admin sees at 2.53.
SHOW_2_53 = {'id', 'name', 'status', 'tenant_id', 'user_id', 'metadata', 'hostId', 'image',
             'flavor', 'created', 'updated', 'addresses', 'accessIPv4', 'accessIPv6',
             'links', 'OS-DCF:diskConfig', 'progress', 'locked', 'description', 'tags',
             'OS-EXT-AZ:availability_zone', 'config_drive', 'key_name',
             'OS-SRV-USG:launched_at', 'OS-SRV-USG:terminated_at', 'OS-EXT-STS:task_state',
             'OS-EXT-STS:vm_state', 'OS-EXT-STS:power_state',
             'os-extended-volumes:volumes_attached', 'security_groups', 'host_status',
             'OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:hypervisor_hostname',
             'OS-EXT-SRV-ATTR:instance_name', 'OS-EXT-SRV-ATTR:reservation_id',
             'OS-EXT-SRV-ATTR:launch_index', 'OS-EXT-SRV-ATTR:hostname',
             'OS-EXT-SRV-ATTR:kernel_id', 'OS-EXT-SRV-ATTR:ramdisk_id',
             'OS-EXT-SRV-ATTR:root_device_name', 'OS-EXT-SRV-ATTR:user_data'}
#: update's reduced view at 2.53 (below 2.75).
REDUCED_2_53 = {'id', 'name', 'status', 'tenant_id', 'user_id', 'metadata', 'hostId',
                'image', 'flavor', 'created', 'updated', 'addresses', 'accessIPv4',
                'accessIPv6', 'links', 'OS-DCF:diskConfig', 'progress', 'locked',
                'description', 'tags'}
LATER = {'trusted_image_certificates', 'locked_reason', 'pinned_availability_zone',
         'scheduler_hints'}


def _boot(cloud, version='2.53', who=DEMO, status=202, **server):
    body = {'server': dict({'name': 'vm', 'imageRef': fixtures.IMAGE_ID,
                            'flavorRef': 'm1.nano', 'networks': 'auto'}, **server)}
    resp = cloud.app.post_json('/v2.1/servers', body, headers=headers(who, version),
                               status=status)
    return resp.json


def _active(cloud, **server):
    server_id = _boot(cloud, **server)['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def _get(cloud, path, version, who=ADMIN, status=200):
    return cloud.app.get('/v2.1' + path, headers=headers(who, version), status=status)


# -- servers: response fields ---------------------------------------------------------

def test_show_list_update_and_rebuild_at_2_100(cloud):
    server_id = _active(cloud, version='2.100', availability_zone='nova',
                        trusted_image_certificates=['cert-1', 'cert-2'])
    shown = _get(cloud, '/servers/%s' % server_id, '2.100').json['server']
    assert set(shown) == SHOW_2_53 | LATER | {'server_groups'}
    assert shown['trusted_image_certificates'] == ['cert-1', 'cert-2']
    assert shown['pinned_availability_zone'] == 'nova'
    assert shown['scheduler_hints'] == {} and shown['server_groups'] == []
    assert shown['locked_reason'] is None
    assert shown['image']['properties'] == {}  # 2.98
    listed = _get(cloud, '/servers/detail?all_tenants=1', '2.100').json['servers'][0]
    assert set(listed) == SHOW_2_53 | LATER  # no server_groups in lists (2.71)

    # 2.75: update answers show's view; rebuild too, with user_data in place
    # of the extended attribute, key_name (2.54) and the admin password.
    updated = cloud.app.put_json('/v2.1/servers/%s' % server_id, {'server': {'name': 'n'}},
                                 headers=headers(ADMIN, '2.100')).json['server']
    assert set(updated) == set(shown)
    rebuilt = cloud.app.post_json(
        '/v2.1/servers/%s/action' % server_id,
        {'rebuild': {'imageRef': fixtures.IMAGE_ID, 'user_data': 'aGVsbG8=',
                     'trusted_image_certificates': None}},
        headers=headers(ADMIN, '2.100'), status=202).json['server']
    assert set(rebuilt) == (set(shown) - {'OS-EXT-SRV-ATTR:user_data'}) | {'user_data',
                                                                           'adminPass'}
    assert rebuilt['user_data'] == 'aGVsbG8=' and rebuilt['trusted_image_certificates'] is None
    cloud.wait(server_id, 'ACTIVE')


def test_update_and_rebuild_below_2_75_keep_the_reduced_view(cloud):
    server_id = _active(cloud)
    updated = cloud.app.put_json('/v2.1/servers/%s' % server_id, {'server': {'name': 'n'}},
                                 headers=headers(DEMO, '2.74')).json['server']
    assert set(updated) == REDUCED_2_53 | {'trusted_image_certificates', 'server_groups',
                                           'locked_reason'}
    rebuilt = cloud.app.post_json('/v2.1/servers/%s/action' % server_id,
                                  {'rebuild': {'imageRef': fixtures.IMAGE_ID}},
                                  headers=headers(DEMO, '2.57'), status=202).json['server']
    assert set(rebuilt) == REDUCED_2_53 | {'adminPass', 'key_name', 'user_data'}
    cloud.wait(server_id, 'ACTIVE')
    rebuilt = cloud.app.post_json('/v2.1/servers/%s/action' % server_id,
                                  {'rebuild': {'imageRef': fixtures.IMAGE_ID}},
                                  headers=headers(DEMO, '2.54'), status=202).json['server']
    assert set(rebuilt) == REDUCED_2_53 | {'adminPass', 'key_name'}
    cloud.wait(server_id, 'ACTIVE')


def test_image_properties_are_the_ones_the_server_was_built_with():
    req = types.SimpleNamespace(host_url='http://h', at_least=lambda minor: minor <= 98)
    instance = types.SimpleNamespace(image_ref='img', system_metadata={
        inst_obj.IMAGE_PREFIX + 'hw_disk_bus': 'virtio', 'shelved_host': 'x'})
    assert views._image(req, instance)['properties'] == {'hw_disk_bus': 'virtio'}
    req.at_least = lambda minor: minor <= 97
    assert 'properties' not in views._image(req, instance)


# -- servers: request fields ----------------------------------------------------------

@pytest.mark.parametrize('version,field,value', [
    ('2.57', 'personality', []),
    ('2.62', 'trusted_image_certificates', ['c']),
    ('2.73', 'host', 'node1'),
    ('2.73', 'hypervisor_hostname', 'node1'),
    ('2.89', 'hostname', 'guest'),
    ('2.90', 'hostname', 'guest.example.org'),
    ('2.93', 'hostname', 'x' * 64),
])
def test_create_refuses_fields_outside_their_versions(cloud, version, field, value):
    who = ADMIN if field in ('host', 'hypervisor_hostname') else DEMO
    resp = _boot(cloud, version, who=who, status=400, **{field: value})
    assert resp['badRequest']['code'] == 400


def test_create_takes_hostname_host_and_volume_type_at_their_versions(cloud):
    server_id = _active(cloud, version='2.94', who=ADMIN, hostname='guest.example.org',
                        host='node1', hypervisor_hostname='node1')
    shown = _get(cloud, '/servers/%s' % server_id, '2.94').json['server']
    assert shown['OS-EXT-SRV-ATTR:hostname'] == 'guest.example.org'
    assert shown['OS-EXT-SRV-ATTR:host'] == 'node1'
    _boot(cloud, '2.74', who=DEMO, status=403, host='node1')
    _boot(cloud, '2.74', who=ADMIN, status=400, host='elsewhere')
    _boot(cloud, '2.74', who=ADMIN, status=400, hypervisor_hostname='elsewhere')
    bdm = [{'uuid': fixtures.IMAGE_ID, 'source_type': 'image', 'destination_type': 'local',
            'boot_index': 0, 'volume_type': 'fast'}]
    _boot(cloud, '2.66', status=400, block_device_mapping_v2=bdm)
    resp = cloud.app.put_json('/v2.1/servers/%s' % server_id,
                              {'server': {'hostname': 'renamed'}},
                              headers=headers(ADMIN, '2.90')).json['server']
    assert resp['OS-EXT-SRV-ATTR:hostname'] == 'renamed'
    # 2.90: the hostname is every reader's, the other extended attributes stay the admin's.
    reader = {'X-User-Id': 'reader', 'X-Project-Id': 'admin', 'X-Roles': 'reader'}
    as_reader = _get(cloud, '/servers/%s' % server_id, '2.90', who=reader).json['server']
    assert as_reader['OS-EXT-SRV-ATTR:hostname'] == 'renamed'
    assert 'OS-EXT-SRV-ATTR:host' not in as_reader
    assert 'OS-EXT-SRV-ATTR:hostname' not in _get(cloud, '/servers/%s' % server_id, '2.89',
                                                  who=reader).json['server']
    cloud.app.put_json('/v2.1/servers/%s' % server_id, {'server': {'hostname': 'h2'}},
                       headers=headers(ADMIN, '2.89'), status=400)


def test_rebuild_fields_follow_their_versions(cloud):
    server_id = _active(cloud)
    path = '/v2.1/servers/%s/action' % server_id

    def rebuild(version, status, **extra):
        body = {'rebuild': dict({'imageRef': fixtures.IMAGE_ID}, **extra)}
        resp = cloud.app.post_json(path, body, headers=headers(DEMO, version), status=status)
        if status == 202:
            cloud.wait(server_id, 'ACTIVE')
        return resp
    rebuild('2.53', 400, key_name=None)
    rebuild('2.56', 400, user_data='aGk=')
    rebuild('2.57', 400, personality=[])
    rebuild('2.62', 400, trusted_image_certificates=['c'])
    rebuild('2.89', 400, hostname='h')
    rebuild('2.57', 400, user_data='not base64!')
    rebuild('2.54', 400, key_name='no-such-key')
    server = rebuild('2.57', 202, key_name=None, user_data='aGk=').json['server']
    assert server['key_name'] is None and server['user_data'] == 'aGk='


def test_lock_reason(cloud):
    server_id = _active(cloud)
    path = '/v2.1/servers/%s' % server_id
    cloud.app.post_json(path + '/action', {'lock': {'locked_reason': 'maintenance'}},
                        headers=headers(DEMO, '2.73'), status=202)
    shown = _get(cloud, '/servers/%s' % server_id, '2.73', who=DEMO).json['server']
    assert shown['locked'] is True and shown['locked_reason'] == 'maintenance'
    assert 'locked_reason' not in _get(cloud, '/servers/%s' % server_id, '2.72').json['server']
    cloud.app.post_json(path + '/action', {'unlock': None}, headers=headers(DEMO, '2.73'),
                        status=202)
    assert _get(cloud, '/servers/%s' % server_id, '2.73').json['server']['locked_reason'] \
        is None


# -- flavors --------------------------------------------------------------------------

def test_flavor_description_extra_specs_and_swap(cloud):
    body = {'flavor': {'name': 'f1', 'ram': 64, 'vcpus': 1, 'disk': 0, 'id': 'f1',
                       'description': 'small'}}
    cloud.app.post_json('/v2.1/flavors', body, headers=headers(ADMIN, '2.54'), status=400)
    created = cloud.app.post_json('/v2.1/flavors', body,
                                  headers=headers(ADMIN, '2.61')).json['flavor']
    assert created['description'] == 'small' and created['extra_specs'] == {}
    assert created['swap'] == ''
    listed = {f['id']: f for f in _get(cloud, '/flavors', '2.55').json['flavors']}
    assert set(listed['f1']) == {'id', 'name', 'links', 'description'}
    assert 'description' not in _get(cloud, '/flavors/f1', '2.54').json['flavor']
    update = {'flavor': {'description': 'tiny'}}
    cloud.app.put_json('/v2.1/flavors/f1', update, headers=headers(ADMIN, '2.54'),
                       status=404)
    cloud.app.put_json('/v2.1/flavors/f1', update, headers=headers(DEMO, '2.55'),
                       status=403)
    cloud.app.put_json('/v2.1/flavors/f1', {'flavor': {'name': 'x'}},
                       headers=headers(ADMIN, '2.55'), status=400)
    flavor = cloud.app.put_json('/v2.1/flavors/f1', update,
                                headers=headers(ADMIN, '2.55')).json['flavor']
    assert flavor['description'] == 'tiny' and 'extra_specs' not in flavor
    cloud.app.post_json('/v2.1/flavors/f1/os-extra_specs', {'extra_specs': {'a': 'b'}},
                        headers=ADMIN)
    shown = _get(cloud, '/flavors/f1', '2.75').json['flavor']
    assert shown['extra_specs'] == {'a': 'b'} and shown['swap'] == 0
    detail = _get(cloud, '/flavors/detail', '2.61', who=DEMO).json['flavors']
    assert all('extra_specs' in f for f in detail)  # readers may read extra specs


# -- instance actions, migrations, server groups, keypairs, hypervisors ----------------

def test_instance_actions_are_paged_and_show_event_hosts(cloud):
    server_id = _active(cloud)
    for name, status in (('os-stop', 'SHUTOFF'), ('os-start', 'ACTIVE')):
        cloud.app.post_json('/v2.1/servers/%s/action' % server_id, {name: None},
                            headers=headers(DEMO), status=202)
        cloud.wait(server_id, status)
    path = '/servers/%s/os-instance-actions' % server_id
    every = _get(cloud, path, '2.58', who=DEMO).json['instanceActions']
    assert [a['action'] for a in every] == ['start', 'stop', 'create']
    assert all(a['updated_at'] for a in every)
    assert 'updated_at' not in _get(cloud, path, '2.57').json['instanceActions'][0]
    page = _get(cloud, path + '?limit=2', '2.58', who=DEMO).json
    assert [a['action'] for a in page['instanceActions']] == ['start', 'stop']
    assert 'marker=%s' % page['instanceActions'][1]['request_id'] in page['links'][0]['href']
    rest = _get(cloud, path + '?marker=%s' % page['instanceActions'][1]['request_id'],
                '2.58').json['instanceActions']
    assert [a['action'] for a in rest] == ['create']
    _get(cloud, path + '?marker=nope', '2.58', status=400)
    _get(cloud, path + '?changes-since=yesterday', '2.58', status=400)
    assert _get(cloud, path + '?changes-since=2999-01-01T00:00:00Z', '2.58') \
        .json['instanceActions'] == []
    assert len(_get(cloud, path + '?changes-before=2999-01-01T00:00:00Z', '2.66')
               .json['instanceActions']) == 3
    request_id = every[-1]['request_id']
    events = _get(cloud, path + '/' + request_id, '2.84').json['instanceAction']['events']
    assert events and all('hostId' in e and 'details' in e for e in events)
    on_host = [e for e in events if e['event'].startswith('compute_')]
    assert on_host and all(e['host'] == 'node1' and e['hostId'] for e in on_host)
    events = _get(cloud, path + '/' + request_id, '2.62', who=DEMO) \
        .json['instanceAction']['events']
    assert all('hostId' in e and 'host' not in e and 'details' not in e for e in events)


def test_migrations_uuid_paging_and_owner(cloud):
    cloud.add_compute('node2')
    server_id = _active(cloud)
    cloud.app.post_json('/v2.1/servers/%s/action' % server_id, {'migrate': None},
                        headers=headers(ADMIN), status=202)
    cloud.wait(server_id, 'VERIFY_RESIZE')
    old = _get(cloud, '/os-migrations', '2.58').json['migrations'][0]
    assert 'uuid' not in old and 'user_id' not in old
    new = _get(cloud, '/os-migrations', '2.80').json['migrations'][0]
    assert new['uuid'] and new['user_id'] == 'demo-user' and new['project_id'] == 'demo'
    assert _get(cloud, '/os-migrations?user_id=someone', '2.80').json['migrations'] == []
    page = _get(cloud, '/os-migrations?limit=1', '2.59').json
    assert 'marker=%s' % new['uuid'] in page['migrations_links'][0]['href']
    assert _get(cloud, '/os-migrations?marker=%s' % new['uuid'], '2.59') \
        .json['migrations'] == []
    _get(cloud, '/os-migrations?marker=nope', '2.59', status=400)
    cloud.app.post_json('/v2.1/servers/%s/action' % server_id, {'confirmResize': None},
                        headers=headers(DEMO), status=204)


def test_server_group_policy_and_rules(cloud):
    body = {'server_group': {'name': 'g', 'policy': 'anti-affinity',
                             'rules': {'max_server_per_host': 2}}}
    cloud.app.post_json('/v2.1/os-server-groups', body, headers=headers(DEMO, '2.63'),
                        status=400)
    group = cloud.app.post_json('/v2.1/os-server-groups', body,
                                headers=headers(DEMO, '2.64')).json['server_group']
    assert set(group) == {'id', 'name', 'policy', 'rules', 'members', 'project_id',
                          'user_id'}
    assert group['rules'] == {'max_server_per_host': 2}
    body['server_group']['policy'] = 'affinity'
    cloud.app.post_json('/v2.1/os-server-groups', body, headers=headers(DEMO, '2.64'),
                        status=400)
    old = _get(cloud, '/os-server-groups/%s' % group['id'], '2.63', who=DEMO) \
        .json['server_group']
    assert old['policies'] == ['anti-affinity'] and 'rules' not in old
    server_id = _active(cloud, version='2.64', **{})
    shown = _get(cloud, '/servers/%s' % server_id, '2.71').json['server']
    assert shown['server_groups'] == []


def test_server_groups_in_show_name_the_servers_group(cloud):
    group = cloud.app.post_json('/v2.1/os-server-groups',
                                {'server_group': {'name': 'g', 'policy': 'affinity'}},
                                headers=headers(DEMO, '2.64')).json['server_group']
    body = {'server': {'name': 'vm', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'm1.nano',
                       'networks': 'auto'}, 'os:scheduler_hints': {'group': group['id']}}
    server_id = cloud.app.post_json('/v2.1/servers', body,
                                    headers=headers(DEMO, '2.100')).json['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    shown = _get(cloud, '/servers/%s' % server_id, '2.100', who=DEMO).json['server']
    assert shown['server_groups'] == [group['id']]
    assert shown['scheduler_hints'] == {'group': group['id']}


def test_keypair_import_is_mandatory_from_2_92(cloud):
    body = {'keypair': {'name': 'k1'}}
    cloud.app.post_json('/v2.1/os-keypairs', body, headers=headers(DEMO, '2.92'), status=400)
    generated = cloud.app.post_json('/v2.1/os-keypairs', body,
                                    headers=headers(DEMO, '2.91'), status=201).json
    assert generated['keypair']['private_key']


def test_hypervisors_without_resource_figures_from_2_88(cloud):
    node = _get(cloud, '/os-hypervisors/detail', '2.87').json['hypervisors'][0]
    assert 'vcpus' in node and 'uptime' not in node
    node = _get(cloud, '/os-hypervisors/detail', '2.88').json['hypervisors'][0]
    assert not {'vcpus', 'memory_mb', 'local_gb', 'cpu_info', 'running_vms'} & set(node)
    assert 'uptime' in node
    _get(cloud, '/os-hypervisors/statistics', '2.88', status=404)
    _get(cloud, '/os-hypervisors/%s/uptime' % node['id'], '2.88', status=404)
    assert _get(cloud, '/os-hypervisors/statistics', '2.87').json['hypervisor_statistics']


def test_live_migration_abort_and_force_complete_find_none(cloud):
    server_id = _active(cloud)
    path = '/v2.1/servers/%s/migrations/1' % server_id
    for who, status in ((ADMIN, 404), (DEMO, 403)):
        cloud.app.delete(path, headers=headers(who, '2.65'), status=status)
        cloud.app.post_json(path + '/action', {'force_complete': None},
                            headers=headers(who, '2.65'), status=status)
    cloud.app.delete(path, headers=headers(ADMIN, '2.23'), status=404)


def test_topology_of_a_server_without_numa_placement(cloud):
    server_id = _active(cloud)
    assert _get(cloud, '/servers/%s/topology' % server_id, '2.78', who=DEMO).json == \
        {'nodes': [], 'pagesize_kb': None}
    _get(cloud, '/servers/%s/topology' % server_id, '2.77', status=404)


def test_power_update_event_from_2_76(cloud):
    server_id = _active(cloud)

    def send(version, tag, status):
        body = {'events': [{'server_uuid': server_id, 'name': 'power-update', 'tag': tag}]}
        return cloud.app.post_json('/v2.1/os-server-external-events', body,
                                   headers=headers(ADMIN, version), status=status)
    send('2.75', 'POWER_OFF', 400)
    assert send('2.76', 'POWER_OFF', 200).json['events'][0]['code'] == 200
    send('2.76', 'SIDEWAYS', 404)  # the only event refused: none forwarded


def test_server_list_filters_of_later_versions(cloud):
    server_id = _active(cloud)
    cloud.app.post_json('/v2.1/servers/%s/action' % server_id, {'lock': None},
                        headers=headers(DEMO, '2.73'), status=202)
    other = _active(cloud)

    def ids(query, version, who=DEMO):
        return {s['id'] for s in _get(cloud, '/servers?' + query, version, who=who)
                .json['servers']}
    assert ids('locked=true', '2.73') == {server_id}
    assert ids('locked=false', '2.73') == {other}
    assert ids('locked=true', '2.72') == {server_id, other}  # not a filter yet
    assert ids('changes-before=2000-01-01T00:00:00Z', '2.66') == set()
    assert ids('changes-before=2999-01-01T00:00:00Z', '2.66') == {server_id, other}
    assert ids('changes-before=2000-01-01T00:00:00Z', '2.65') == {server_id, other}
    _get(cloud, '/servers?changes-since=2999-01-01T00:00:00Z'
         '&changes-before=2000-01-01T00:00:00Z', '2.66', who=DEMO, status=400)
    assert ids('user_id=someone-else', '2.83') == set()
    assert ids('user_id=someone-else', '2.82') == {server_id, other}


def test_unshelve_to_a_zone_and_a_host(cloud):
    server_id = _active(cloud)
    path = '/v2.1/servers/%s/action' % server_id

    def act(body, version, status=202, who=DEMO):
        return cloud.app.post_json(path, body, headers=headers(who, version), status=status)
    act({'shelve': None}, '2.77')
    cloud.wait(server_id, 'SHELVED_OFFLOADED', timeout=20)
    act({'unshelve': {'availability_zone': 'nova'}}, '2.76', status=400)
    act({'unshelve': {'host': 'node1'}}, '2.90', status=400)
    act({'unshelve': {'availability_zone': None}}, '2.90', status=400)
    act({'unshelve': {'host': 'node1'}}, '2.91', status=403)
    act({'unshelve': {'host': 'nowhere'}}, '2.91', status=400, who=ADMIN)
    act({'unshelve': {'availability_zone': 'nova', 'host': 'node1'}}, '2.91', who=ADMIN)
    server = cloud.wait(server_id, 'ACTIVE', timeout=20)
    assert server['OS-EXT-SRV-ATTR:host'] == 'node1'
    shown = _get(cloud, '/servers/%s' % server_id, '2.96').json['server']
    assert shown['pinned_availability_zone'] == 'nova'


def test_interface_tags_from_2_49_shown_from_2_70(cloud, env):
    from services.compute.clients import fake as fake_clients
    server_id = _active(cloud)
    other_net = '0d6c3c5e-1f33-4c7e-9e54-7d1f0f2c9b11'
    fake_clients.seed(str(env.tmp_path / 'fake'), networks=[
        {'id': other_net, 'name': 'other', 'cidr': '198.51.100.0/24', 'shared': True}])
    url = '/v2.1/servers/%s/os-interface' % server_id
    attach = {'interfaceAttachment': {'net_id': other_net, 'tag': 'nic1'}}
    cloud.app.post_json(url, attach, headers=headers(DEMO, '2.48'), status=400)
    created = cloud.app.post_json(url, attach, headers=headers(DEMO, '2.70')) \
        .json['interfaceAttachment']
    assert created['tag'] == 'nic1'
    listed = {i['port_id']: i for i in cloud.app.get(url, headers=headers(DEMO, '2.70'))
              .json['interfaceAttachments']}
    assert listed[created['port_id']]['tag'] == 'nic1'
    assert [i['tag'] for p, i in listed.items() if p != created['port_id']] == [None]
    shown = cloud.app.get(url + '/' + created['port_id'], headers=headers(DEMO, '2.69'))
    assert 'tag' not in shown.json['interfaceAttachment']


def test_accelerator_request_bound_event_from_2_82(cloud):
    server_id = _active(cloud)
    event = {'server_uuid': server_id, 'name': 'accelerator-request-bound'}
    url = '/v2.1/os-server-external-events'
    cloud.app.post_json(url, {'events': [dict(event, tag='arq-1')]},
                        headers=headers(ADMIN, '2.81'), status=400)
    resp = cloud.app.post_json(url, {'events': [dict(event, tag='arq-1')]},
                               headers=headers(ADMIN, '2.82'))
    assert resp.json['events'][0]['code'] == 200
    cloud.app.post_json(url, {'events': [event]}, headers=headers(ADMIN, '2.82'), status=404)
