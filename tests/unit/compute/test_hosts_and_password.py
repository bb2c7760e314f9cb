"""os-hosts (up to 2.42) and os-server-password, in-process."""

import time

import pytest

from services.compute.objects import instance as inst_obj
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

OLD = '2.42'


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.add_compute('node1')
    return c


def _get(cloud, url, status=200, who=ADMIN, version=OLD):
    return cloud.app.get('/v2.1' + url, headers=headers(who, version), status=status).json


def test_hosts_list_and_zone_filter(cloud):
    hosts = _get(cloud, '/os-hosts')['hosts']
    assert {'host_name': 'node1', 'service': 'compute', 'zone': 'nova'} in hosts
    assert {h['service'] for h in hosts} >= {'compute', 'conductor', 'scheduler'}
    assert {h['zone'] for h in hosts if h['service'] != 'compute'} == {'internal'}
    assert _get(cloud, '/os-hosts?zone=nova')['hosts'] == [
        {'host_name': 'node1', 'service': 'compute', 'zone': 'nova'}]
    assert _get(cloud, '/os-hosts?zone=')['hosts'] == hosts
    assert _get(cloud, '/os-hosts?zone=xxx')['hosts'] == []
    _get(cloud, '/os-hosts', who=DEMO, status=403)
    _get(cloud, '/os-hosts', version='2.43', status=404)


def test_host_show_counts_servers_per_project(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    rows = [r['resource'] for r in _get(cloud, '/os-hosts/node1')['host']]
    assert [r['project'] for r in rows] == ['(total)', '(used_now)', '(used_max)', 'demo']
    assert rows[3] == {'host': 'node1', 'project': 'demo', 'cpu': 1, 'memory_mb': 64,
                       'disk_gb': 0}
    assert rows[2]['memory_mb'] == 64 and rows[0]['cpu'] >= 1
    _get(cloud, '/os-hosts/nonexistent_hostname', status=404)


def test_host_update_and_power_actions(cloud):
    def put(body, status=200, host='node1'):
        return cloud.app.put_json('/v2.1/os-hosts/%s' % host, body,
                                  headers=headers(ADMIN, OLD), status=status,
                                  expect_errors=status >= 400).json
    assert put({'status': 'disable'}) == {'host': 'node1', 'status': 'disabled'}
    service = _get(cloud, '/os-services?binary=nova-compute', version='2.53')['services'][0]
    assert service['status'] == 'disabled'
    assert put({'status': 'enable'}) == {'host': 'node1', 'status': 'enabled'}
    put({'status': 'invalid'}, status=400)
    put({'status': 'enable', 'maintenance_mode': 'invalid'}, status=400)
    put({}, status=400)
    put({'status': 'enable'}, host='nonexistent_hostname', status=404)
    assert put({'maintenance_mode': 'enable'}, status=501)['notImplemented']['code'] == 501
    for action in ('startup', 'shutdown', 'reboot'):
        _get(cloud, '/os-hosts/node1/%s' % action, status=501)
        _get(cloud, '/os-hosts/nonexistent_hostname/%s' % action, status=404)
        _get(cloud, '/os-hosts/node1/%s' % action, who=DEMO, status=403)


def test_server_password_show_and_clear(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    url = '/v2.1/servers/%s/os-server-password' % server_id
    assert cloud.app.get(url, headers=headers(DEMO)).json == {'password': ''}
    instance = inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id)
    instance.system_metadata = dict(instance.system_metadata, password='c2VjcmV0')
    instance.save()
    assert cloud.app.get(url, headers=headers(DEMO)).json == {'password': 'c2VjcmV0'}
    reader = dict(DEMO, **{'X-Roles': 'reader'})
    cloud.app.delete(url, headers=headers(reader), status=403)
    cloud.app.delete(url, headers=headers(DEMO), status=204)
    assert cloud.app.get(url, headers=headers(DEMO)).json == {'password': ''}
    other = {'X-User-Id': 'u2', 'X-Project-Id': 'other', 'X-Roles': 'member,reader'}
    cloud.app.get(url, headers=headers(other), status=404)


def test_legacy_extension_list(cloud):
    extensions = _get(cloud, '/extensions', who=DEMO, version='2.53')['extensions']
    assert 'Hosts' in [e['name'] for e in extensions]
    shown = _get(cloud, '/extensions/os-consoles', who=DEMO)['extension']
    assert shown['alias'] == 'os-consoles' and shown['links'] == []
    assert set(shown) == {'alias', 'name', 'description', 'links', 'namespace', 'updated'}
    assert len({e['alias'] for e in extensions}) == len(extensions)
    _get(cloud, '/extensions/os-nope', who=DEMO, status=404)


def test_actions_of_a_deleted_server_from_2_21(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    deadline = time.time() + 10
    while time.time() < deadline and cloud.app.get(
            '/v2.1/servers/%s' % server_id, headers=headers(DEMO),
            expect_errors=True).status_int != 404:
        time.sleep(0.05)
    url = '/v2.1/servers/%s/os-instance-actions' % server_id
    actions = cloud.app.get(url, headers=headers(DEMO, '2.21')).json['instanceActions']
    assert [a['action'] for a in actions] == ['delete', 'create']
    request_id = actions[-1]['request_id']
    shown = cloud.app.get('%s/%s' % (url, request_id), headers=headers(DEMO, '2.21')).json
    assert shown['instanceAction']['action'] == 'create'
    cloud.app.get(url, headers=headers(DEMO, '2.20'), status=404)


def test_quota_class_default_sets_every_projects_defaults(cloud):
    url = '/v2.1/os-quota-class-sets/default'
    shown = cloud.app.get(url, headers=headers(ADMIN, '2.1')).json['quota_class_set']
    assert shown.pop('id') == 'default'
    assert set(shown) == {'instances', 'cores', 'ram', 'metadata_items', 'key_pairs',
                          'injected_files', 'injected_file_content_bytes',
                          'injected_file_path_bytes', 'fixed_ips', 'floating_ips',
                          'security_groups', 'security_group_rules'}
    bumped = {name: value + 100 for name, value in shown.items()}
    updated = cloud.app.put_json(url, {'quota_class_set': bumped},
                                 headers=headers(ADMIN, '2.1')).json['quota_class_set']
    assert updated == bumped
    assert cloud.app.get(url, headers=headers(ADMIN, '2.1')).json['quota_class_set'] == \
        dict(bumped, id='default')
    new = cloud.app.get(url, headers=headers(ADMIN, '2.50')).json['quota_class_set']
    assert 'server_groups' in new and 'floating_ips' not in new
    # Every project's defaults and effective limits follow the default class.
    project = cloud.app.get('/v2.1/os-quota-sets/demo', headers=headers(DEMO, '2.1')).json
    assert project['quota_set']['instances'] == bumped['instances']
    assert project['quota_set']['floating_ips'] == bumped['floating_ips']
    defaults = cloud.app.get('/v2.1/os-quota-sets/demo/defaults',
                             headers=headers(DEMO, '2.1')).json['quota_set']
    assert defaults['cores'] == bumped['cores']
    cloud.app.put_json(url, {'quota_class_set': {'server_groups': 5}},
                       headers=headers(ADMIN, '2.1'), status=400)
    cloud.app.put_json(url, {'quota_class_set': {'floating_ips': 5}},
                       headers=headers(ADMIN, '2.50'), status=400)
    cloud.app.put_json(url, {'quota_class_set': {'instances': 'x'}},
                       headers=headers(ADMIN), status=400)
    cloud.app.get(url, headers=headers(DEMO), status=403)
    cloud.app.put_json(url, {'quota_class_set': {'instances': 1}}, headers=headers(DEMO),
                       status=403)


def test_disk_config_auto_is_kept_as_given(cloud):
    cloud.flavor(name='m1.small', ram=128, vcpus=1)
    server = cloud.boot(**{'OS-DCF:diskConfig': 'AUTO'})['server']
    assert server['OS-DCF:diskConfig'] == 'AUTO'
    server_id = server['id']
    assert cloud.wait(server_id, 'ACTIVE')['OS-DCF:diskConfig'] == 'AUTO'
    listed = cloud.app.get('/v2.1/servers/detail', headers=headers(DEMO)).json['servers']
    assert listed[0]['OS-DCF:diskConfig'] == 'AUTO'
    updated = cloud.app.put_json('/v2.1/servers/%s' % server_id, {'server': {
        'OS-DCF:diskConfig': 'MANUAL'}}, headers=headers(DEMO)).json['server']
    assert updated['OS-DCF:diskConfig'] == 'MANUAL'
    rebuilt = cloud.action(server_id, {'rebuild': {
        'imageRef': cloud.show(server_id)['image']['id'],
        'OS-DCF:diskConfig': 'AUTO'}}).json['server']
    assert rebuilt['OS-DCF:diskConfig'] == 'AUTO'
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.small',
                                        'OS-DCF:diskConfig': 'MANUAL'}})
    assert cloud.wait(server_id, 'VERIFY_RESIZE')['OS-DCF:diskConfig'] == 'MANUAL'
    plain = cloud.boot(name='plain')['server']
    assert plain['OS-DCF:diskConfig'] == 'MANUAL'
    cloud.wait(plain['id'], 'ACTIVE')
