"""os-update_snapshot_status (POST /snapshots/{id}/action): how compute's
assisted snapshots report back; cinder's status moves, progress and policy."""

import pytest

from tests.unit.volume.conftest import ADMIN
from tests.unit.volume.conftest import OTHER
from tests.unit.volume.conftest import READER
from tests.unit.volume.conftest import headers
from tests.unit.volume.conftest import wait_for
from tests.unit.volume.test_api_flows import create
from tests.unit.volume.test_api_flows import wait_status


def _snapshot(app):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    return app.post_json('/v3/demo/snapshots', {'snapshot': {'volume_id': volume['id']}},
                         headers=headers()).json['snapshot']['id']


def _show(app, snapshot_id):
    return app.get('/v3/demo/snapshots/%s' % snapshot_id,
                   headers=headers(ADMIN)).json['snapshot']


def _reset(app, snapshot_id, status):
    app.post_json('/v3/demo/snapshots/%s/action' % snapshot_id,
                  {'os-reset_status': {'status': status}}, headers=headers(ADMIN),
                  status=202)


def _update(app, snapshot_id, args, who=None, status=202):
    return app.post_json('/v3/demo/snapshots/%s/action' % snapshot_id,
                         {'os-update_snapshot_status': args},
                         headers=headers(*([who] if who else [])), status=status,
                         expect_errors=status >= 400)


@pytest.fixture
def snapshot(app, env):
    snapshot_id = _snapshot(app)
    # The volume host's own work ends first: the reports come after it.
    wait_for(lambda: _show(app, snapshot_id)['status'] == 'available')
    _reset(app, snapshot_id, 'creating')
    return snapshot_id


def test_creating_moves_to_creating_with_progress_then_available(app, snapshot):
    _update(app, snapshot, {'status': 'creating', 'progress': '90%'})
    shown = _show(app, snapshot)
    assert shown['status'] == 'creating'
    assert shown['os-extended-snapshot-attributes:progress'] == '90%'
    _update(app, snapshot, {'status': 'available', 'progress': '100%'})
    assert _show(app, snapshot)['status'] == 'available'


def test_creating_may_end_in_error(app, snapshot):
    _update(app, snapshot, {'status': 'error'})
    assert _show(app, snapshot)['status'] == 'error'


def test_deleting_moves_to_deleting_or_error_deleting_only(app, snapshot):
    _reset(app, snapshot, 'deleting')
    resp = _update(app, snapshot, {'status': 'available'}, status=400)
    assert 'not allowed for snapshot with status deleting' in resp.json['badRequest'][
        'message']
    _update(app, snapshot, {'status': 'error_deleting'})
    assert _show(app, snapshot)['status'] == 'error_deleting'


def test_a_snapshot_in_another_status_refuses_the_action(app, snapshot):
    _reset(app, snapshot, 'available')
    resp = _update(app, snapshot, {'status': 'creating'}, status=400)
    assert resp.json['badRequest']['code'] == 400
    assert _show(app, snapshot)['status'] == 'available'


@pytest.mark.parametrize('args', [{}, None, [], {'progress': '10%'},
                                  {'status': 'bogus'},
                                  {'status': 'creating', 'progress': '90'},
                                  {'status': 'creating', 'progress': 'x%'},
                                  {'status': 'creating', 'progress': '101%'},
                                  {'status': 'creating', 'progress': '-1%'},
                                  {'status': 'creating', 'progress': 90}])
def test_bad_arguments_are_400(app, snapshot, args):
    resp = _update(app, snapshot, args, status=400)
    assert resp.json['badRequest']['code'] == 400
    assert _show(app, snapshot)['status'] == 'creating'


def test_policy_members_of_the_project_or_admins(app, snapshot):
    _update(app, snapshot, {'status': 'creating'}, who=READER, status=403)
    _update(app, snapshot, {'status': 'creating'}, who=OTHER, status=404)
    _update(app, snapshot, {'status': 'creating', 'progress': '50%'}, who=ADMIN)
    assert _show(app, snapshot)['os-extended-snapshot-attributes:progress'] == '50%'


def test_unknown_snapshot_is_404(app, env):
    resp = _update(app, 'c3a1f1f6-0000-4000-8000-000000000000', {'status': 'creating'},
                   status=404)
    assert resp.json['itemNotFound']['code'] == 404
