"""os-assisted-volume-snapshots in-process: the API (status codes, fault
bodies, policy), the cast to the server's host (compute RPC 1.11), the fake
driver's record and the status reported to the volume service."""

import json
import urllib.parse

import pytest

from services.compute import clients
from services.compute import exception
from services.compute.compute import rpcapi as compute_rpcapi
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute import test_volume_attachments as attachments
from tests.unit.compute.test_volume_attachments import (VOL, VOL2, _attach, _volume,
                                                       _wait_for, volume_cloud)

URL = '/v2.1/os-assisted-volume-snapshots'
SERVICE = {'X-User-Id': 'cinder', 'X-Project-Id': 'service', 'X-Roles': 'service'}
SNAP = '0d9a43a5-2b4f-4d9c-9e31-3f5c1b0a7a11'


def _body(volume_id=VOL, **create_info):
    info = dict({'snapshot_id': SNAP, 'type': 'qcow2', 'new_file': 'volume-snap.1'},
                **create_info)
    return {'snapshot': {'volume_id': volume_id, 'create_info': info}}


def _create(cloud, body, who=ADMIN, status=200, version='2.53'):
    return cloud.app.post_json(URL, body, headers=headers(who, version), status=status,
                               expect_errors=status >= 400).json


def _delete(cloud, delete_info, snapshot_id=SNAP, who=ADMIN, status=204, version='2.53',
            **params):
    if delete_info is not None:
        params['delete_info'] = (delete_info if isinstance(delete_info, str)
                                 else json.dumps(delete_info))
    url = '%s/%s?%s' % (URL, snapshot_id, urllib.parse.urlencode(params))
    return cloud.app.delete(url, headers=headers(who, version), status=status,
                            expect_errors=status == '*' or status >= 400)


def _reports(snapshot_id=SNAP):
    return clients.volume_client().snapshot_reports.read().get(snapshot_id, [])


def _driver_record(cloud, server_id):
    from services.compute.objects import instance as inst_obj
    instance = inst_obj.Instance(cloud.env.admin_context(), uuid=server_id)
    return cloud.computes['node1'].driver.volume_snapshots(instance)


@pytest.fixture
def cloud(env, app, monkeypatch):
    """test_volume_attachments' cloud: one host, the fake volume client
    seeded with the demo project's volumes."""
    c = volume_cloud(env, app, monkeypatch, [
        {'id': VOL, 'name': 'data', 'size': 1, 'project_id': 'demo'},
        {'id': VOL2, 'name': 'data2', 'size': 2, 'project_id': 'demo'}])
    yield c
    c.settle()


@pytest.fixture
def server(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    return server_id


@pytest.fixture
def attached(cloud, server):
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    return server


def test_create_snapshots_the_attached_volume_and_reports_creating(cloud, attached):
    answer = _create(cloud, _body(id='cinder-ref-1'))
    assert answer == {'snapshot': {'id': 'cinder-ref-1', 'volumeId': VOL}}
    _wait_for(lambda: _reports())
    assert _reports() == [{'status': 'creating', 'progress': '90%'}]
    store = clients.volume_client()
    done = _driver_record(cloud, attached)
    assert done == [{'op': 'create', 'mountpoint': '/dev/vdb',
                     'backing': store.device_path(VOL),
                     'file': store.device_path(VOL).rsplit('/', 1)[0] + '/volume-snap.1',
                     'snapshot_id': SNAP}]
    # The mapping follows the guest onto the overlay (the next boot opens it).
    from services.compute.objects import block_device as bdm_obj
    bdm = bdm_obj.BlockDeviceMapping.get_by_volume(cloud.env.admin_context(), attached, VOL)
    assert bdm.connection_info['data']['device_path'].endswith('/volume-snap.1')
    assert bdm.connection_info['data']['format'] == 'qcow2'


def test_tempest_sequence_as_the_service_role(cloud, attached):
    """What Tempest's test_volume_assisted_snapshot_create_delete sends: no
    ``id`` in create_info, then a delete_info with only the volume."""
    answer = _create(cloud, _body(new_file='new_file'), who=SERVICE)
    assert answer == {'snapshot': {'id': SNAP, 'volumeId': VOL}}
    resp = _delete(cloud, {'volume_id': VOL}, answer['snapshot']['id'], who=SERVICE)
    assert resp.status_int == 204 and not resp.body
    # Nothing to merge without a type: the volume service hears it failed.
    _wait_for(lambda: len(_reports()) == 2)
    assert _reports() == [{'status': 'creating', 'progress': '90%'},
                          {'status': 'error_deleting', 'progress': '90%'}]


def test_delete_merges_as_delete_info_says_and_reports_deleting(cloud, attached):
    _create(cloud, _body())
    _wait_for(lambda: _reports())
    _delete(cloud, {'volume_id': VOL, 'type': 'qcow2', 'file_to_merge': 'volume-snap.1',
                    'merge_target_file': 'volume-base'})
    _wait_for(lambda: len(_reports()) == 2)
    assert _reports()[-1] == {'status': 'deleting', 'progress': '90%'}
    assert _driver_record(cloud, attached)[-1] == {
        'op': 'commit', 'mountpoint': '/dev/vdb', 'file_to_merge': 'volume-snap.1',
        'merge_target_file': 'volume-base'}
    _delete(cloud, {'volume_id': VOL, 'type': 'qcow2', 'file_to_merge': None})
    _wait_for(lambda: len(_reports()) == 3)
    assert _driver_record(cloud, attached)[-1]['op'] == 'rebase'


def test_a_driver_failure_is_reported_as_error(cloud, attached, monkeypatch):
    driver = cloud.computes['node1'].driver

    def fail(*args, **kwargs):
        raise exception.VolumeSnapshotFailed(volume_id=VOL, reason='disk full')
    monkeypatch.setattr(driver, 'volume_snapshot_create', fail)
    assert _create(cloud, _body())['snapshot']['volumeId'] == VOL
    _wait_for(lambda: _reports())
    assert _reports() == [{'status': 'error', 'progress': '90%'}]


@pytest.mark.parametrize('who', [DEMO, {'X-User-Id': 'r', 'X-Project-Id': 'demo',
                                        'X-Roles': 'reader'}])
def test_members_and_readers_are_forbidden(cloud, attached, who):
    resp = _create(cloud, _body(), who=who, status=403)
    assert resp['forbidden']['code'] == 403
    resp = _delete(cloud, {'volume_id': VOL}, who=who, status=403)
    assert resp.json['forbidden']['code'] == 403
    assert _reports() == []


BAD_BODIES = [
    {},
    {'snapshot': {}},
    {'snapshot': {'volume_id': VOL}},
    {'snapshot': {'create_info': {'snapshot_id': SNAP, 'type': 'qcow2', 'new_file': 'f'}}},
    _body(type='raw'),
    _body(new_file=''),
    _body(new_file='../../etc/x'),
    _body(new_file='..'),
    _body(snapshot_id=''),
    _body(extra=1),
    {'snapshot': dict(_body()['snapshot'], extra=1)},
    {'snapshot': {'volume_id': '', 'create_info': _body()['snapshot']['create_info']}},
    [],
]


@pytest.mark.parametrize('body', BAD_BODIES)
def test_bad_create_bodies_are_400(cloud, body):
    resp = _create(cloud, body, status=400)
    assert resp['badRequest']['code'] == 400 and resp['badRequest']['message']


@pytest.mark.parametrize('delete_info', [None, '', 'not json', '[1]', '"x"', '{}',
                                         {'type': 'qcow2'}, {'volume_id': 5},
                                         {'volume_id': VOL, 'file_to_merge': '../x'}])
def test_bad_delete_info_is_400(cloud, attached, delete_info):
    resp = _delete(cloud, delete_info, status=400)
    assert resp.json['badRequest']['code'] == 400


def test_unknown_query_parameters_are_refused_from_2_75(cloud, attached):
    _delete(cloud, {'volume_id': VOL}, version='2.74', extra='1')
    resp = _delete(cloud, {'volume_id': VOL}, version='2.75', extra='1', status=400)
    assert 'extra' in resp.json['badRequest']['message']


def test_a_volume_attached_to_no_server_is_400(cloud, server):
    resp = _create(cloud, _body(VOL2), status=400)
    assert resp['badRequest']['message'] == \
        'No volume Block Device Mapping with id %s.' % VOL2
    resp = _delete(cloud, {'volume_id': VOL2}, status=400)
    assert 'No volume Block Device Mapping' in resp.json['badRequest']['message']
    assert _reports() == []


def test_rpc_method_casts_to_the_host_at_1_11():
    from tests.unit.compute.test_contracts import _RecordingClient
    api = compute_rpcapi.ComputeAPI.__new__(compute_rpcapi.ComputeAPI)
    api.client = _RecordingClient()
    api.volume_snapshot_create(None, 'node1', 'uuid-1', VOL, {'snapshot_id': SNAP})
    api.volume_snapshot_delete(None, 'node1', 'uuid-1', VOL, SNAP, {'volume_id': VOL})
    assert [(c[0], c[1], c[2]['version'], c[2]['server']) for c in api.client.calls] == [
        ('cast', 'volume_snapshot_create', '1.11', 'node1'),
        ('cast', 'volume_snapshot_delete', '1.11', 'node1')]


def test_a_compute_capped_below_1_11_is_not_asked():
    from common import exception as common_exc
    from tests.unit.compute.test_contracts import _RecordingClient
    api = compute_rpcapi.ComputeAPI.__new__(compute_rpcapi.ComputeAPI)
    api.client = _RecordingClient(cap='1.10')
    with pytest.raises(common_exc.RPCVersionCapped):
        api.volume_snapshot_create(None, 'node1', 'uuid-1', VOL, {'snapshot_id': SNAP})
    assert api.client.calls == []


def _leaves(document, prefix=()):
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _leaves(value, prefix + (key,))
    yield prefix


def _replaced(document, path, value):
    document = json.loads(json.dumps(document))
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return document


def test_hostile_values_in_every_field_are_4xx_or_accepted_never_5xx(cloud, attached):
    from tests.functional.fuzz import hostile
    create_body = _body(id='fz-id')
    delete_info = {'volume_id': VOL, 'type': 'qcow2', 'file_to_merge': 'a',
                   'merge_target_file': 'b'}
    failures = []
    for values in hostile.VALUES.values():
        for value in values:
            for path in _leaves(create_body):
                resp = cloud.app.post(URL, json.dumps(_replaced(create_body, path, value)),
                                      headers=dict(headers(ADMIN), **{
                                          'Content-Type': 'application/json'}),
                                      expect_errors=True)
                if resp.status_int >= 500 or (resp.status_int >= 400 and (
                        len(resp.json) != 1 or
                        next(iter(resp.json.values()))['code'] != resp.status_int)):
                    failures.append(('POST', path, repr(value)[:40], resp.status_int))
            for path in _leaves(delete_info):
                resp = _delete(cloud, json.dumps(_replaced(delete_info, path, value)),
                               status='*')
                if resp.status_int >= 500 or (resp.status_int >= 400 and len(resp.json) != 1):
                    failures.append(('DELETE', path, repr(value)[:40], resp.status_int))
    assert not failures, failures


# -- detach and delete merge the overlays back into the volume's own file --------------

def _mapping(cloud, server_id):
    from services.compute.objects import block_device as bdm_obj
    return bdm_obj.BlockDeviceMapping.get_by_volume(cloud.env.admin_context(), server_id, VOL)


def _snapshots(cloud, count):
    for n in range(1, count + 1):
        _create(cloud, _body(snapshot_id='snap-%d' % n, new_file='volume-snap.%d' % n))
        _wait_for(lambda: _reports('snap-%d' % n))


def _fault(cloud, server_id):
    from services.compute.objects import instance as inst_obj
    return inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id,
                                         with_fault=True).fault


@pytest.mark.parametrize('count', [1, 2])
def test_the_mapping_remembers_the_volume_file_under_the_overlays(cloud, attached, count):
    store = clients.volume_client()
    _snapshots(cloud, count)
    info = _mapping(cloud, attached).connection_info
    assert info['data']['device_path'].endswith('/volume-snap.%d' % count)
    folder = store.device_path(VOL).rsplit('/', 1)[0]
    assert info['overlay_base'] == {
        'device_path': store.device_path(VOL), 'format': 'raw',
        'overlays': ['%s/volume-snap.%d' % (folder, n) for n in range(1, count + 1)]}


@pytest.mark.parametrize('count', [1, 2])
def test_detach_merges_the_overlays_back_first(cloud, attached, count):
    store = clients.volume_client()
    _snapshots(cloud, count)
    cloud.app.delete('/v2.1/servers/%s/os-volume_attachments/%s' % (attached, VOL),
                     headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    merge = _driver_record(cloud, attached)[-1]
    assert merge['op'] == 'merge' and merge['base'] == store.device_path(VOL)
    assert merge['file'].endswith('/volume-snap.%d' % count)


def test_a_stopped_servers_detach_merges_too(cloud, attached):
    cloud.action(attached, {'os-stop': None}, who=DEMO)
    cloud.wait(attached, 'SHUTOFF', who=DEMO)
    _snapshots(cloud, 1)
    cloud.app.delete('/v2.1/servers/%s/os-volume_attachments/%s' % (attached, VOL),
                     headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    assert _driver_record(cloud, attached)[-1]['op'] == 'merge'


def test_a_failed_merge_fails_the_detach_and_keeps_the_volume_attached(cloud, attached,
                                                                      monkeypatch):
    _snapshots(cloud, 1)
    driver = cloud.computes['node1'].driver

    def fail(*args, **kwargs):
        raise exception.VolumeSnapshotFailed(volume_id=VOL, reason='commit refused')
    monkeypatch.setattr(driver, 'volume_snapshot_merge', fail)
    cloud.app.delete('/v2.1/servers/%s/os-volume_attachments/%s' % (attached, VOL),
                     headers=headers(DEMO), status=202)
    _wait_for(lambda: _fault(cloud, attached))
    assert 'commit refused' in _fault(cloud, attached)['message']
    assert _volume(VOL)['status'] == 'in-use'
    info = _mapping(cloud, attached).connection_info
    assert info['data']['device_path'].endswith('/volume-snap.1') and info['overlay_base']
    assert '/dev/vdb' in attachments._guest(cloud, attached)
    # Once the merge works, the detach can be retried.
    monkeypatch.undo()
    cloud.app.delete('/v2.1/servers/%s/os-volume_attachments/%s' % (attached, VOL),
                     headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')


def test_server_delete_merges_the_overlays_before_the_guest_goes(cloud, attached,
                                                                 monkeypatch):
    _snapshots(cloud, 2)
    driver = cloud.computes['node1'].driver
    seen = []
    real = driver.volume_snapshot_merge

    def merge(context, instance, info, mountpoint):
        seen.append((instance.uuid in driver._guests, info['data']['device_path']))
        return real(context, instance, info, mountpoint)
    monkeypatch.setattr(driver, 'volume_snapshot_merge', merge)
    cloud.app.delete('/v2.1/servers/%s' % attached, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    assert len(seen) == 1 and seen[0][0] is True
    assert seen[0][1].endswith('/volume-snap.2')


def test_a_failed_merge_fails_the_server_delete_and_keeps_the_volume(cloud, attached,
                                                                    monkeypatch):
    _snapshots(cloud, 1)
    driver = cloud.computes['node1'].driver

    def fail(*args, **kwargs):
        raise exception.VolumeSnapshotFailed(volume_id=VOL, reason='commit refused')
    monkeypatch.setattr(driver, 'volume_snapshot_merge', fail)
    cloud.app.delete('/v2.1/servers/%s' % attached, headers=headers(DEMO), status=204)
    cloud.wait(attached, 'ERROR', who=DEMO)
    assert 'commit refused' in _fault(cloud, attached)['message']
    assert _volume(VOL)['status'] == 'in-use'
    assert '/dev/vdb' in attachments._guest(cloud, attached)
    # A delete again, the merge working, goes through.
    monkeypatch.undo()
    cloud.app.delete('/v2.1/servers/%s' % attached, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
