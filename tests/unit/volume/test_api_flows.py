"""The API, conductor, scheduler and a volume host (fake driver) in one
process: volume, snapshot and attachment state machines, bad input and
fault bodies."""

import pytest

from tests.unit.volume.conftest import ADMIN
from tests.unit.volume.conftest import DEMO
from tests.unit.volume.conftest import OTHER
from tests.unit.volume.conftest import READER
from tests.unit.volume.conftest import headers
from tests.unit.volume.conftest import wait_for


def create(app, size=1, base=DEMO, **extra):
    body = {'volume': dict(size=size, **extra)}
    resp = app.post_json('/v3/%s/volumes' % base['X-Project-Id'], body, headers=headers(base))
    assert resp.status_int == 202
    return resp.json['volume']


def show(app, volume_id, base=DEMO, status=200):
    resp = app.get('/v3/%s/volumes/%s' % (base['X-Project-Id'], volume_id),
                   headers=headers(base), status=status)
    return resp.json.get('volume', resp.json)


def wait_status(app, volume_id, status, base=DEMO):
    return wait_for(lambda: show(app, volume_id, base)['status'] == status and
                    show(app, volume_id, base))


def test_create_show_list_delete(app, env):
    volume = create(app, name='v1', metadata={'k': 'v'})
    assert volume['status'] == 'creating' and volume['volume_type'] == '__DEFAULT__'
    # As cinder: the owner attribute is added to GETs, not to the create answer.
    assert 'os-vol-tenant-attr:tenant_id' not in volume
    shown = wait_status(app, volume['id'], 'available')
    assert shown['os-vol-tenant-attr:tenant_id'] == 'demo'
    assert shown['metadata'] == {'k': 'v'} and shown['bootable'] == 'false'
    assert 'os-vol-host-attr:host' not in shown
    assert env.driver.volumes == {volume['id']: 1}
    admin_view = show(app, volume['id'], ADMIN)
    assert admin_view['os-vol-host-attr:host'] == 'stor1@file#file'
    listed = app.get('/v3/demo/volumes', headers=headers()).json['volumes']
    assert [v['id'] for v in listed] == [volume['id']]
    # project id optional in the URL
    assert app.get('/v3/volumes/detail', headers=headers()).json['volumes'][0]['id'] == \
        volume['id']
    app.delete('/v3/demo/volumes/%s' % volume['id'], headers=headers(), status=202)
    wait_for(lambda: app.get('/v3/demo/volumes/%s' % volume['id'], headers=headers(),
                             expect_errors=True).status_int == 404)
    assert env.driver.volumes == {}


def test_driver_failure_ends_in_error_with_nothing_left(app, env):
    env.driver.fail.add('create_volume')
    volume = create(app)
    shown = wait_status(app, volume['id'], 'error')
    assert shown['status'] == 'error'
    assert env.driver.volumes == {}


def test_no_backend_fits_ends_in_error(app, env):
    app.post_json('/v3/admin/types', {'volume_type': {
        'name': 'elsewhere', 'extra_specs': {'volume_backend_name': 'ceph'}}},
        headers=headers(ADMIN))
    volume = create(app, volume_type='elsewhere')
    wait_status(app, volume['id'], 'error')
    app.delete('/v3/demo/volumes/%s' % volume['id'], headers=headers(), status=202)
    show(app, volume['id'], status=404)


def test_restart_cleans_up_interrupted_work(app, env):
    from services.volume.conductor import rpcapi
    from common import context
    ctx = context.get_admin_context()
    api = rpcapi.ConductorAPI()
    stuck = create(app)
    wait_status(app, stuck['id'], 'available')
    api.volume_update(ctx, stuck['id'], {'status': 'creating'})
    gone = create(app)
    wait_status(app, gone['id'], 'available')
    api.volume_update(ctx, gone['id'], {'status': 'deleting'})
    env.volume.cleanup_interrupted()
    assert show(app, stuck['id'])['status'] == 'error'
    assert stuck['id'] not in env.driver.volumes
    show(app, gone['id'], status=404)
    # the project is told why its volume is in error
    told = app.get('/v3/demo/messages', headers=headers(version='3.3')).json['messages']
    assert [m['resource_uuid'] for m in told] == [stuck['id']]


def test_attachment_whose_export_failed_is_not_left_reserved(app, env):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    env.driver.fail.add('initialize_connection')
    resp = app.post_json('/v3/demo/attachments', {'attachment': {
        'volume_uuid': volume['id'], 'instance_uuid': 'srv-1',
        'connector': {'host': 'cmp1'}}}, headers=headers(), expect_errors=True)
    assert resp.status_int >= 400
    assert show(app, volume['id'])['status'] == 'available'
    assert app.get('/v3/demo/attachments', headers=headers()).json['attachments'] == []


def test_attachment_state_machine(app, env):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    url = '/v3/demo/attachments'
    att = app.post_json(url, {'attachment': {'volume_uuid': volume['id'],
                                             'instance_uuid': 'srv-1'}},
                        headers=headers()).json['attachment']
    assert att['status'] == 'reserved'
    assert show(app, volume['id'])['status'] == 'reserved'
    fault = app.post_json(url, {'attachment': {'volume_uuid': volume['id'],
                                               'instance_uuid': 'srv-2'}},
                          headers=headers(), status=400).json
    assert fault['badRequest']['code'] == 400
    updated = app.put_json('%s/%s' % (url, att['id']), {'attachment': {
        'connector': {'host': 'cmp1'}}}, headers=headers()).json['attachment']
    assert updated['connection_info']['driver_volume_type'] == 'fake'
    assert show(app, volume['id'])['status'] == 'attaching'
    app.post_json('%s/%s/action' % (url, att['id']), {'os-complete': {}}, headers=headers(),
                  status=204)
    shown = show(app, volume['id'])
    assert shown['status'] == 'in-use'
    assert shown['attachments'][0]['server_id'] == 'srv-1'
    app.delete('/v3/demo/volumes/%s' % volume['id'], headers=headers(), status=400)
    # other projects and readers
    app.get('%s/%s' % ('/v3/other/attachments', att['id']), headers=headers(OTHER), status=404)
    app.delete('%s/%s' % (url, att['id']), headers=headers(READER), status=403)
    assert app.delete('%s/%s' % (url, att['id']), headers=headers()).json == \
        {'attachments': []}
    assert show(app, volume['id'])['status'] == 'available'
    # os-complete needs 3.44; attachments 3.27
    app.get(url, headers=headers(version='3.26'), status=404)


def test_multiattach_type_allows_a_second_attachment(app, env):
    app.post_json('/v3/admin/types', {'volume_type': {
        'name': 'multi', 'extra_specs': {'multiattach': '<is> True'}}}, headers=headers(ADMIN))
    volume = create(app, volume_type='multi')
    wait_status(app, volume['id'], 'available')
    assert show(app, volume['id'])['multiattach'] is True
    for server in ('a', 'b'):
        app.post_json('/v3/demo/attachments', {'attachment': {
            'volume_uuid': volume['id'], 'instance_uuid': server,
            'connector': {'host': 'h'}}}, headers=headers())


def test_snapshots_and_sources(app, env):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    snap = app.post_json('/v3/demo/snapshots', {'snapshot': {'volume_id': volume['id'],
                                                             'name': 's'}},
                         headers=headers()).json['snapshot']
    assert 'os-extended-snapshot-attributes:project_id' not in snap
    wait_for(lambda: app.get('/v3/demo/snapshots/%s' % snap['id'],
                             headers=headers()).json['snapshot']['status'] == 'available')
    assert app.get('/v3/demo/snapshots/%s' % snap['id'], headers=headers()).json[
        'snapshot']['os-extended-snapshot-attributes:project_id'] == 'demo'
    # The detailed list has them, the summary list not (cinder's).
    listed = app.get('/v3/demo/snapshots/detail', headers=headers()).json['snapshots']
    assert listed[0]['os-extended-snapshot-attributes:progress']
    listed = app.get('/v3/demo/snapshots', headers=headers()).json['snapshots']
    assert listed[0]['id'] == snap['id']
    assert not [k for k in listed[0] if k.startswith('os-extended-snapshot-attributes')]
    clone = create(app, snapshot_id=snap['id'], size=2)
    assert wait_status(app, clone['id'], 'available')['size'] == 2
    create(app, source_volid=volume['id'])
    app.post_json('/v3/demo/volumes', {'volume': {'size': 1, 'snapshot_id': snap['id'],
                                                  'source_volid': volume['id']}},
                  headers=headers(), status=400)
    app.delete('/v3/demo/volumes/%s' % volume['id'], headers=headers(), status=400)
    app.delete('/v3/demo/snapshots/%s' % snap['id'], headers=headers(), status=202)
    wait_for(lambda: app.get('/v3/demo/snapshots/%s' % snap['id'], headers=headers(),
                             expect_errors=True).status_int == 404)


def test_extend_and_actions(app, env):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    url = '/v3/demo/volumes/%s/action' % volume['id']
    app.post_json(url, {'os-extend': {'new_size': 1}}, headers=headers(), status=400)
    app.post_json(url, {'os-extend': {'new_size': 3}}, headers=headers(), status=202)
    assert wait_status(app, volume['id'], 'available')['size'] == 3
    app.post_json(url, {'os-set_bootable': {'bootable': True}}, headers=headers())
    assert show(app, volume['id'])['bootable'] == 'true'
    app.post_json(url, {'os-update_readonly_flag': {'readonly': True}}, headers=headers(),
                  status=202)
    app.post_json(url, {'os-reset_status': {'status': 'error'}}, headers=headers(),
                  status=403)
    app.post_json(url, {'os-reset_status': {'status': 'error'}}, headers=headers(ADMIN),
                  status=202)
    assert show(app, volume['id'])['status'] == 'error'
    app.post_json(url, {'os-force_delete': {}}, headers=headers(), status=403)
    app.post_json(url, {'os-force_delete': {}}, headers=headers(ADMIN), status=202)


@pytest.mark.parametrize('body', [
    {'volume': {'size': 0}}, {'volume': {'size': 'x'}}, {'volume': {'size': True}},
    {'volume': {}}, {'volume': []}, {'volumes': {}}, [], 'x',
    {'volume': {'size': 1, 'volume_type': 'missing'}},
    {'volume': {'size': 1, 'availability_zone': 'mars'}},
    {'volume': {'size': 1, 'metadata': {'k': 1}}},
    {'volume': {'size': 1, 'name': 'a\x01b'}},
    {'volume': {'size': 1, 'imageRef': 'no-such-image'}},
    {'volume': {'size': 1, 'snapshot_id': 'no-such-snapshot'}},
])
def test_bad_volume_create_is_4xx(app, body):
    resp = app.post_json('/v3/demo/volumes', body, headers=headers(), expect_errors=True)
    assert 400 <= resp.status_int < 500, resp.text
    (name, fault), = resp.json.items()
    assert fault['code'] == resp.status_int and fault['message']


def test_versions_and_headers(app):
    resp = app.get('/', status=300)
    assert resp.json['versions'][0]['id'] == 'v3.0'
    resp = app.get('/v3/demo/volumes', headers=headers(version='3.50'))
    assert resp.headers['OpenStack-API-Version'] == 'volume 3.50'
    assert app.get('/v3/demo/volumes', headers=headers()).headers[
        'OpenStack-API-Version'] == 'volume 3.44'
    app.get('/v3/demo/volumes', headers=headers(version='4.0'), status=406)
    app.get('/v3/demo/volumes', headers=headers(version='3.x'), status=400)
    resp = app.get('/v3/demo/volumes', headers=DEMO)
    assert resp.headers['OpenStack-API-Version'] == 'volume 3.0'
    app.get('/v3/other/volumes', headers=headers(), status=400)


def test_quota_enforced_and_reported(app):
    app.put_json('/v3/admin/os-quota-sets/demo', {'quota_set': {'gigabytes': 3}},
                 headers=headers(ADMIN))
    create(app, size=2)
    fault = app.post_json('/v3/demo/volumes', {'volume': {'size': 2}}, headers=headers(),
                          status=413).json
    assert 'overLimit' in fault
    quota = app.get('/v3/demo/os-quota-sets/demo?usage=True', headers=headers()).json
    assert quota['quota_set']['gigabytes'] == {'limit': 3, 'in_use': 2, 'reserved': 0,
                                               'allocated': 0}
    app.put_json('/v3/demo/os-quota-sets/demo', {'quota_set': {'gigabytes': 30}},
                 headers=headers(), status=403)
    app.put_json('/v3/admin/os-quota-sets/demo', {'quota_set': {'bogus': 3}},
                 headers=headers(ADMIN), status=400)


def test_types_access_and_default(app):
    admin = headers(ADMIN)
    vtype = app.post_json('/v3/admin/types', {'volume_type': {
        'name': 'private', 'os-volume-type-access:is_public': False}},
        headers=admin).json['volume_type']
    assert vtype['os-volume-type-access:is_public'] is False
    names = [t['name'] for t in app.get('/v3/demo/types', headers=headers()).json[
        'volume_types']]
    assert names == ['__DEFAULT__']
    app.post_json('/v3/admin/types/%s/action' % vtype['id'],
                  {'addProjectAccess': {'project': 'demo'}}, headers=admin, status=202)
    names = [t['name'] for t in app.get('/v3/demo/types', headers=headers()).json[
        'volume_types']]
    assert sorted(names) == ['__DEFAULT__', 'private']
    access = app.get('/v3/admin/types/%s/os-volume-type-access' % vtype['id'],
                     headers=admin).json
    assert access == {'volume_type_access': [{'volume_type_id': vtype['id'],
                                              'project_id': 'demo'}]}
    default = app.get('/v3/demo/types/default', headers=headers(version='3.62')).json
    assert default['volume_type']['name'] == '__DEFAULT__'
    app.delete('/v3/admin/types/%s' % default['volume_type']['id'], headers=admin,
               status=400)
    app.post_json('/v3/admin/types', {'volume_type': {'name': 'private'}}, headers=admin,
                  status=409)


def test_paging_sorting_filters_and_all_tenants(app):
    made = [create(app, size=size, name='v%d' % size) for size in (3, 1, 2)]
    create(app, base=OTHER, name='theirs')
    url = '/v3/demo/volumes/detail'
    page = app.get(url + '?sort=size:asc&limit=2', headers=headers()).json
    assert [v['size'] for v in page['volumes']] == [1, 2]
    following = page['volumes_links'][0]['href']
    assert 'marker=%s' % page['volumes'][-1]['id'] in following
    rest = app.get(url + '?sort=size:asc&limit=2&marker=%s' % page['volumes'][-1]['id'],
                   headers=headers()).json
    assert [v['size'] for v in rest['volumes']] == [3] and 'volumes_links' not in rest
    assert [v['name'] for v in app.get(url + '?name=v2', headers=headers()).json[
        'volumes']] == ['v2']
    assert len(app.get(url + '?sort_key=name&sort_dir=desc&offset=1',
                       headers=headers()).json['volumes']) == 2
    # all_tenants: every project for an admin, ignored for a member
    everyone = app.get(url + '?all_tenants=1', headers=headers(ADMIN)).json['volumes']
    assert len(everyone) == 4
    assert len(app.get(url + '?all_tenants=1', headers=headers()).json['volumes']) == 3
    theirs = app.get(url + '?all_tenants=1&project_id=other', headers=headers(ADMIN)).json
    assert [v['name'] for v in theirs['volumes']] == ['theirs']
    assert {v['id'] for v in made} <= {v['id'] for v in everyone}


def test_metadata_crud(app):
    volume = create(app, metadata={'a': '1'})
    url = '/v3/demo/volumes/%s/metadata' % volume['id']
    assert app.post_json(url, {'metadata': {'b': '2'}}, headers=headers()).json == \
        {'metadata': {'a': '1', 'b': '2'}}
    assert app.get(url + '/b', headers=headers()).json == {'meta': {'b': '2'}}
    app.put_json(url + '/b', {'meta': {'b': '3'}}, headers=headers())
    app.put_json(url + '/b', {'meta': {'c': '3'}}, headers=headers(), status=400)
    assert app.put_json(url, {'metadata': {'z': '9'}}, headers=headers()).json == \
        {'metadata': {'z': '9'}}
    app.delete(url + '/z', headers=headers())
    app.delete(url + '/z', headers=headers(), status=404)
    app.post_json(url, {'metadata': {'b': '2'}}, headers=headers(READER), status=403)
    app.get(url.replace('/demo/', '/other/'), headers=headers(OTHER), status=404)


def test_view_fields_follow_the_microversion(app):
    volume = create(app)
    old = show(app, volume['id'])
    new = app.get('/v3/demo/volumes/%s' % volume['id'],
                  headers=headers(version='3.65')).json['volume']
    assert 'volume_type_id' not in old and 'consumes_quota' not in old
    assert new['volume_type_id'] and new['consumes_quota'] is True
    assert new['shared_targets'] is False
