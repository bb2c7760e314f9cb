"""os-migrate_volume_completion: compute's word that a swap volume is done
(admin).  A swap the volume service did not start leaves the old volume
detached and the new one attached to the server; a migration's completion
is checked as cinder checks it."""

from services.volume.db import api as db_api
from tests.unit.volume.conftest import ADMIN, DEMO, headers
from tests.unit.volume.test_api_flows import create, show, wait_status

SERVER = '0b6a3f0e-6c55-4d5f-9f64-1a1e1e1e1e01'


def _attach(app, volume_id, server=SERVER):
    url = '/v3/demo/attachments'
    att = app.post_json(url, {'attachment': {'volume_uuid': volume_id, 'instance_uuid': server,
                                             'connector': {'host': 'cmp1'}}},
                        headers=headers()).json['attachment']
    app.post_json('%s/%s/action' % (url, att['id']), {'os-complete': {}}, headers=headers(),
                  status=204)
    return att


def _complete(app, old_id, body, who=ADMIN, status=200):
    return app.post_json('/v3/%s/volumes/%s/action' % (who['X-Project-Id'], old_id),
                         {'os-migrate_volume_completion': body}, headers=headers(who),
                         status=status).json


def _two_volumes(app):
    old, new = create(app), create(app)
    for volume in (old, new):
        wait_status(app, volume['id'], 'available')
    return old['id'], new['id']


def test_a_swap_compute_did_leaves_the_old_volume_detached(app, env):
    old, new = _two_volumes(app)
    _attach(app, old)
    _attach(app, new)
    assert _complete(app, old, {'new_volume': new, 'error': False}) == {
        'save_volume_id': new}
    assert show(app, old)['status'] == 'available' and not show(app, old)['attachments']
    assert show(app, new)['status'] == 'in-use'
    assert [a['server_id'] for a in show(app, new)['attachments']] == [SERVER]


def test_attachments_to_other_servers_stay(app, env):
    old, new = _two_volumes(app)
    _attach(app, old, server='another-server')
    _attach(app, new)
    assert _complete(app, old, {'new_volume': new}) == {'save_volume_id': new}
    assert [a['server_id'] for a in show(app, old)['attachments']] == ['another-server']
    assert show(app, old)['status'] == 'in-use'


def test_a_failed_swap_changes_nothing(app, env):
    old, new = _two_volumes(app)
    _attach(app, old)
    assert _complete(app, old, {'new_volume': new, 'error': True}) == {'save_volume_id': new}
    assert show(app, old)['status'] == 'in-use'
    assert show(app, new)['status'] == 'available'


def test_admin_only_and_bad_bodies(app, env):
    old, new = _two_volumes(app)
    fault = _complete(app, old, {'new_volume': new}, who=DEMO, status=403)
    assert fault['forbidden']['code'] == 403
    assert 'new_volume' in _complete(app, old, {}, status=400)['badRequest']['message']
    _complete(app, old, {'new_volume': new, 'error': 'maybe'}, status=400)
    missing = '0b6a3f0e-6c55-4d5f-9f64-1a1e1e1e1eff'
    _complete(app, old, {'new_volume': missing}, status=404)
    _complete(app, missing, {'new_volume': new}, status=404)


def test_a_migration_is_checked_as_cinder_does(app, env):
    old, new = _two_volumes(app)
    db_api.volume_update(old, {'migration_status': 'migrating'})
    message = _complete(app, old, {'new_volume': new}, status=400)['badRequest']['message']
    assert 'Destination volume not mid-migration' in message
    db_api.volume_update(new, {'migration_status': 'target:x'})
    message = _complete(app, old, {'new_volume': new}, status=400)['badRequest']['message']
    assert 'expected target:%s' % old in message
    db_api.volume_update(new,
                                {'migration_status': 'target:%s' % old})
    message = _complete(app, old, {'new_volume': new}, status=400)['badRequest']['message']
    assert 'not supported' in message
