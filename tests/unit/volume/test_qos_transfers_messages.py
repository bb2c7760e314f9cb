"""QoS specs, volume transfers, user messages and retype through the API,
conductor, scheduler and volume hosts in one process."""

from tests.unit.volume.conftest import ADMIN
from tests.unit.volume.conftest import DEMO
from tests.unit.volume.conftest import OTHER
from tests.unit.volume.conftest import READER
from tests.unit.volume.conftest import headers
from tests.unit.volume.conftest import wait_for
from tests.unit.volume.test_api_flows import create
from tests.unit.volume.test_api_flows import show
from tests.unit.volume.test_api_flows import wait_status

Q = '/v3/admin/qos-specs'


def _type(app, name, **specs):
    return app.post_json('/v3/admin/types', {'volume_type': {
        'name': name, 'extra_specs': specs}}, headers=headers(ADMIN)).json['volume_type']


def test_qos_specs_crud_keys_and_associations(app):
    admin = headers(ADMIN)
    body = app.post_json(Q, {'qos_specs': {'name': 'gold', 'consumer': 'front-end',
                                           'read_iops_sec': '2000'}}, headers=admin).json
    qos = body['qos_specs']
    assert qos['specs'] == {'read_iops_sec': '2000'} and qos['consumer'] == 'front-end'
    assert body['links'][0]['href'].endswith('/qos-specs/%s' % qos['id'])
    app.post_json(Q, {'qos_specs': {'name': 'gold'}}, headers=admin, status=409)
    app.post_json(Q, {'qos_specs': {'name': 'x', 'consumer': 'nowhere'}}, headers=admin,
                  status=400)
    app.post_json('/v3/demo/qos-specs', {'qos_specs': {'name': 'x'}}, headers=headers(),
                  status=403)
    assert app.put_json('%s/%s' % (Q, qos['id']), {'qos_specs': {'write_iops_sec': '500'}},
                        headers=admin).json == {'qos_specs': {'write_iops_sec': '500'}}
    app.put_json('%s/%s/delete_keys' % (Q, qos['id']), {'keys': ['read_iops_sec']},
                 headers=admin, status=202)
    app.put_json('%s/%s/delete_keys' % (Q, qos['id']), {'keys': ['nope']}, headers=admin,
                 status=404)
    listed = app.get(Q, headers=admin).json['qos_specs']
    assert [(q['name'], q['specs']) for q in listed] == [('gold', {'write_iops_sec': '500'})]
    vtype = _type(app, 'with-qos')
    app.get('%s/%s/associate?vol_type_id=%s' % (Q, qos['id'], vtype['id']), headers=admin,
            status=202)
    assert app.get('%s/%s/associations' % (Q, qos['id']), headers=admin).json == {
        'qos_associations': [{'association_type': 'volume_type', 'id': vtype['id'],
                              'name': 'with-qos'}]}
    assert app.get('/v3/admin/types/%s' % vtype['id'],
                   headers=admin).json['volume_type']['qos_specs_id'] == qos['id']
    # in use: delete refused unless forced
    app.delete('%s/%s' % (Q, qos['id']), headers=admin, status=400)
    app.get('%s/%s/disassociate?vol_type_id=%s' % (Q, qos['id'], vtype['id']),
            headers=admin, status=202)
    app.get('%s/%s/associate?vol_type_id=%s' % (Q, qos['id'], vtype['id']), headers=admin,
            status=202)
    app.get('%s/%s/disassociate_all' % (Q, qos['id']), headers=admin, status=202)
    app.get('%s/%s/associate?vol_type_id=%s' % (Q, qos['id'], vtype['id']), headers=admin,
            status=202)
    app.delete('%s/%s?force=True' % (Q, qos['id']), headers=admin, status=202)
    app.get('%s/%s' % (Q, qos['id']), headers=admin, status=404)
    assert app.get('/v3/admin/types/%s' % vtype['id'],
                   headers=admin).json['volume_type']['qos_specs_id'] is None


def test_transfer_accept_moves_the_volume_and_its_snapshots(app):
    volume = create(app, size=2)
    wait_status(app, volume['id'], 'available')
    snap = app.post_json('/v3/demo/snapshots', {'snapshot': {'volume_id': volume['id']}},
                         headers=headers()).json['snapshot']
    wait_for(lambda: app.get('/v3/demo/snapshots/%s' % snap['id'],
                             headers=headers()).json['snapshot']['status'] == 'available')
    resp = app.post_json('/v3/demo/volume-transfers', {'transfer': {
        'volume_id': volume['id'], 'name': 'gift'}}, headers=headers(DEMO, '3.57'),
        status=202)
    transfer = resp.json['transfer']
    assert transfer['auth_key'] and transfer['source_project_id'] == 'demo'
    assert transfer['no_snapshots'] is False and transfer['accepted'] is False
    assert show(app, volume['id'])['status'] == 'awaiting-transfer'
    # the old path, without 3.55 fields; 3.55's path is not there before 3.55
    listed = app.get('/v3/demo/os-volume-transfer/detail', headers=headers(DEMO, '3.0')).json
    assert [t['id'] for t in listed['transfers']] == [transfer['id']]
    assert 'no_snapshots' not in listed['transfers'][0]
    app.get('/v3/demo/volume-transfers', headers=headers(DEMO, '3.54'), status=404)
    # the other project does not see it, cannot take it with a wrong key
    app.get('/v3/other/os-volume-transfer/%s' % transfer['id'], headers=headers(OTHER),
            status=404)
    url = '/v3/other/os-volume-transfer/%s/accept' % transfer['id']
    app.post_json(url, {'accept': {'auth_key': 'wrong'}}, headers=headers(OTHER),
                  status=400)
    other_reader = dict(OTHER, **{'X-Roles': 'reader'})
    app.post_json(url, {'accept': {'auth_key': transfer['auth_key']}},
                  headers=headers(other_reader), status=403)
    accepted = app.post_json(url, {'accept': {'auth_key': transfer['auth_key']}},
                             headers=headers(OTHER), status=202).json['transfer']
    assert accepted['volume_id'] == volume['id']
    moved = show(app, volume['id'], OTHER)
    assert moved['status'] == 'available' and moved['os-vol-tenant-attr:tenant_id'] == 'other'
    show(app, volume['id'], DEMO, status=404)
    assert app.get('/v3/other/snapshots/%s' % snap['id'],
                   headers=headers(OTHER)).json['snapshot']['id'] == snap['id']
    app.get('/v3/demo/os-volume-transfer/%s' % transfer['id'], headers=headers(),
            status=404)


def test_transfer_withdrawn_and_refused(app):
    volume = create(app)
    app.post_json('/v3/demo/os-volume-transfer', {'transfer': {'volume_id': volume['id']}},
                  headers=headers(), status=400)    # still creating
    wait_status(app, volume['id'], 'available')
    transfer = app.post_json('/v3/demo/os-volume-transfer', {'transfer': {
        'volume_id': volume['id']}}, headers=headers(), status=202).json['transfer']
    assert 'no_snapshots' not in transfer
    app.delete('/v3/demo/volumes/%s' % volume['id'], headers=headers(), status=400)
    app.delete('/v3/other/os-volume-transfer/%s' % transfer['id'], headers=headers(OTHER),
               status=404)
    app.delete('/v3/demo/os-volume-transfer/%s' % transfer['id'], headers=headers(),
               status=202)
    assert show(app, volume['id'])['status'] == 'available'


def test_messages_for_failed_work(app, env):
    _type(app, 'nowhere', volume_backend_name='ceph')
    lost = create(app, volume_type='nowhere')
    wait_status(app, lost['id'], 'error')
    env.driver.fail.add('create_volume')
    broken = create(app)
    wait_status(app, broken['id'], 'error')
    old = headers(DEMO, '3.2')
    app.get('/v3/demo/messages', headers=old, status=404)
    v33 = headers(READER, '3.3')
    found = wait_for(lambda: len(app.get('/v3/demo/messages', headers=v33).json[
        'messages']) == 2 and app.get('/v3/demo/messages', headers=v33).json['messages'])
    by_volume = {m['resource_uuid']: m for m in found}
    assert by_volume[lost['id']]['event_id'] == 'VOLUME_VOLUME_001_003'
    assert by_volume[lost['id']]['user_message'] == \
        'schedule allocate volume: Could not find any available weighted backend.'
    assert by_volume[broken['id']]['message_level'] == 'ERROR'
    assert by_volume[broken['id']]['guaranteed_until'] > by_volume[broken['id']]['created_at']
    one = by_volume[lost['id']]['id']
    assert app.get('/v3/demo/messages/%s' % one, headers=v33).json['message']['id'] == one
    filtered = app.get('/v3/demo/messages?resource_uuid=%s' % broken['id'],
                       headers=v33).json['messages']
    assert [m['resource_uuid'] for m in filtered] == [broken['id']]
    app.get('/v3/other/messages/%s' % one, headers=headers(OTHER, '3.3'), status=404)
    app.delete('/v3/demo/messages/%s' % one, headers=v33, status=403)
    app.delete('/v3/demo/messages/%s' % one, headers=headers(DEMO, '3.3'), status=204)
    app.get('/v3/demo/messages/%s' % one, headers=v33, status=404)


def test_retype_in_place_and_to_another_backend(app, env):
    # Last in this module: it adds a second backend (stor1@fast) to the env.
    from oslo_config import cfg

    from services.volume.drivers import fake as fake_driver
    from services.volume.volume import manager as volume_manager
    from services.volume.volume import rpcapi as volume_rpcapi
    _type(app, 'plain-2')
    _type(app, 'fast', volume_backend_name='fast')
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    url = '/v3/demo/volumes/%s/action' % volume['id']
    app.post_json(url, {'os-retype': {'new_type': 'plain-2'}}, headers=headers(), status=202)
    assert show(app, volume['id'])['volume_type'] == 'plain-2'
    app.post_json(url, {'os-retype': {'new_type': 'plain-2'}}, headers=headers(), status=400)
    app.post_json(url, {'os-retype': {'new_type': 'nope'}}, headers=headers(), status=404)
    app.post_json(url, {'os-retype': {}}, headers=headers(), status=400)
    app.post_json(url, {'os-retype': {'new_type': 'fast', 'migration_policy': 'sometimes'}},
                  headers=headers(), status=400)
    # another backend: never without on-demand, none there yet; accepted as
    # cinder does, then not done: the volume keeps its type, a message says why
    app.post_json(url, {'os-retype': {'new_type': 'fast'}}, headers=headers(), status=202)
    app.post_json(url, {'os-retype': {'new_type': 'fast', 'migration_policy': 'on-demand'}},
                  headers=headers(), status=202)
    kept = show(app, volume['id'], ADMIN)
    assert (kept['status'], kept['volume_type'], kept['migration_status']) == \
        ('available', 'plain-2', None)
    found = app.get('/v3/demo/messages?resource_uuid=%s' % volume['id'],
                    headers=headers(version='3.3')).json['messages']
    assert [m['event_id'] for m in found] == ['VOLUME_VOLUME_011_003'] * 2
    assert 'retype volume' in found[0]['user_message']
    conf = cfg.CONF
    conf.set_override('backend_name', 'fast', group='volume')
    try:
        second = volume_manager.VolumeManager(driver=fake_driver.FakeDriver(conf),
                                              image_client=env.images)
        env.serve(volume_rpcapi.TOPIC, second.host, second)
        second.init_host()
    finally:
        conf.clear_override('backend_name', group='volume')
    app.post_json(url, {'os-retype': {'new_type': 'fast', 'migration_policy': 'on-demand'}},
                  headers=headers(), status=202)
    wait_for(lambda: show(app, volume['id'], ADMIN)['os-vol-host-attr:host'] == 'stor1@fast#fast')
    moved = wait_status(app, volume['id'], 'available')
    assert moved['volume_type'] == 'fast'
    shown = show(app, volume['id'], ADMIN)
    assert shown['migration_status'] == shown['os-vol-mig-status-attr:migstat'] == 'success'
    assert volume['id'] in second.driver.volumes
    wait_for(lambda: volume['id'] not in env.driver.volumes)


def test_groups_read_only_and_empty(app):
    # Horizon's volume create form lists groups (3.13+) before it shows; a 404 there sends
    # the user back with "Unable to retrieve the volume group list".
    v313 = headers(READER, '3.13')
    app.get('/v3/demo/groups', headers=headers(DEMO, '3.12'), status=404)
    assert app.get('/v3/demo/groups', headers=v313).json == {'groups': []}
    assert app.get('/v3/demo/groups/detail', headers=v313).json == {'groups': []}
    missing = app.get('/v3/demo/groups/nope', headers=v313, status=404).json
    assert missing['itemNotFound']['message'] == 'Group nope could not be found.'
    app.get('/v3/demo/groups', headers={'OpenStack-API-Version': 'volume 3.13',
                                        'X-User-Id': 'x', 'X-Project-Id': 'demo',
                                        'X-Roles': ''}, status=403)
    app.post_json('/v3/demo/groups', {'group': {'name': 'g'}}, headers=headers(DEMO, '3.13'),
                  status=(404, 405))
