"""web-download imports and import tasks, with the fetch replaced by bytes in
memory (the real fetch over a loopback HTTP server is in
tests/functional/image/test_web_download.py)."""

import io
import struct
import time

import pytest

from services.image import webfetch

from tests.unit.image.conftest import ADMIN, ALICE, BOB, message
from tests.unit.image.test_images_api import create

QCOW2 = b'QFI\xfb' + struct.pack('>I', 2) + b'\0' * 16 + struct.pack('>Q', 1 << 20) \
    + b'\0' * 4000


@pytest.fixture
def remote(monkeypatch):
    """URL -> bytes served by the fake fetch; a missing URL fails like DNS does."""
    served = {}

    def open_uri(conf, uri):
        webfetch.check_uri(conf, uri)
        if uri not in served:
            raise webfetch.FetchFailed(uri=uri, reason='Name or service not known')
        return io.BytesIO(served[uri]), len(served[uri])
    monkeypatch.setattr(webfetch, 'open_uri', open_uri)
    return served


def wait_for(fetch, done, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(0.05)
    raise AssertionError('still %r' % value)


def _import(api, image_id, uri, status=202, headers=ALICE):
    return api.post_json('/v2/images/%s/import' % image_id,
                         {'method': {'name': 'web-download', 'uri': uri}},
                         headers=headers, status=status)


def _image(api, image_id):
    return api.get('/v2/images/%s' % image_id, headers=ADMIN).json


def test_info_lists_web_download(api):
    methods = api.get('/v2/info/import', headers=ALICE).json['import-methods']['value']
    assert 'web-download' in methods


def test_web_download_activates_the_image(api, remote):
    remote['http://example.test/disk.qcow2'] = QCOW2
    image = create(api, disk_format='qcow2')
    _import(api, image['id'], 'http://example.test/disk.qcow2')
    done = wait_for(lambda: _image(api, image['id']), lambda i: i['status'] == 'active')
    assert done['size'] == len(QCOW2) and done['virtual_size'] == 1 << 20
    assert api.get('/v2/images/%s/file' % image['id'], headers=ALICE).body == QCOW2


def test_web_download_failures_put_the_image_back_to_queued(api, remote):
    image = create(api, disk_format='qcow2')
    _import(api, image['id'], 'http://missing.test/x.qcow2')
    wait_for(lambda: _image(api, image['id']), lambda i: i['status'] == 'queued')
    remote['http://example.test/not-qcow2'] = b'plain' * 100
    _import(api, image['id'], 'http://example.test/not-qcow2')
    done = wait_for(lambda: _image(api, image['id']), lambda i: i['status'] == 'queued')
    assert done['size'] is None


@pytest.mark.parametrize('uri', ['file:///etc/passwd', 'ftp://example.test/x',
                                 'http://example.test:8080/x', 'http:///nohost'])
def test_web_download_refuses_uris_outside_the_rules(api, remote, uri):
    image = create(api)
    body = _import(api, image['id'], uri, status=400).json
    assert 'not allowed' in message(body)
    assert _image(api, image['id'])['status'] == 'queued'


def test_web_download_disallowed_host_and_operator_ports(api, remote, conf):
    conf.set_override('web_download_disallowed_hosts', ['169.254.169.254'], group='image')
    image = create(api)
    _import(api, image['id'], 'http://169.254.169.254/latest', status=400)
    conf.set_override('web_download_allowed_ports', [8080], group='image')
    remote['http://example.test:8080/x'] = b'raw bytes'
    _import(api, image['id'], 'http://example.test:8080/x')
    wait_for(lambda: _image(api, image['id']), lambda i: i['status'] == 'active')


def test_web_download_needs_a_queued_image_and_permission(api, remote):
    remote['http://example.test/raw'] = b'x' * 10
    image = create(api)
    _import(api, image['id'], 'http://example.test/raw', headers=BOB, status=404)
    _import(api, image['id'], 'http://example.test/raw')
    wait_for(lambda: _image(api, image['id']), lambda i: i['status'] == 'active')
    _import(api, image['id'], 'http://example.test/raw', status=409)
    api.post_json('/v2/images/%s/import' % image['id'], {'method': {'name': 'web-download'}},
                  headers=ALICE, status=400)


def test_web_download_can_be_disabled(api, remote, conf):
    conf.set_override('enabled_import_methods', ['glance-direct'], group='image')
    image = create(api)
    _import(api, image['id'], 'http://example.test/raw', status=400)


# -- tasks --------------------------------------------------------------------------

def _task(uri, **props):
    return {'type': 'import', 'input': {
        'import_from': uri, 'import_from_format': 'qcow2',
        'image_properties': dict({'container_format': 'bare', 'disk_format': 'qcow2',
                                  'name': 'task-image'}, **props)}}


def _wait_task(api, task_id):
    return wait_for(lambda: api.get('/v2/tasks/%s' % task_id, headers=ADMIN).json,
                    lambda t: t['status'] in ('success', 'failure'))


def test_import_task_success(api, remote):
    remote['http://example.test/disk.qcow2'] = QCOW2
    task = api.post_json('/v2/tasks', _task('http://example.test/disk.qcow2',
                                            visibility='public'),
                         headers=ADMIN, status=201).json
    assert task['status'] == 'pending' and task['self'] == '/v2/tasks/%s' % task['id']
    assert task['schema'] == '/v2/schemas/task' and task['result'] is None
    done = _wait_task(api, task['id'])
    assert done['status'] == 'success' and 'expires_at' in done
    image = _image(api, done['result']['image_id'])
    assert image['status'] == 'active' and image['disk_format'] == 'qcow2'
    assert image['visibility'] == 'public' and image['owner'] == 'admin'
    listed = api.get('/v2/tasks', headers=ADMIN).json
    assert [t['id'] for t in listed['tasks']] == [task['id']]
    assert 'input' not in listed['tasks'][0] and listed['schema'] == '/v2/schemas/tasks'


def test_import_task_from_a_fake_location_fails_and_leaves_no_image(api, remote):
    task = api.post_json('/v2/tasks', _task('http://dummy-img-file-123.qcow2'),
                         headers=ADMIN, status=201).json
    done = _wait_task(api, task['id'])
    assert done['status'] == 'failure' and 'could not be fetched' in done['message']
    assert api.get('/v2/images', headers=ADMIN).json['images'] == []


@pytest.mark.parametrize('body', [
    {'type': 'export', 'input': {'import_from': 'http://x/y', 'image_properties': {}}},
    {'type': 'import', 'input': {'image_properties': {}}},
    {'type': 'import'},
    _task('http://x/y', os_glance_x='1'),
    _task('http://x/y', disk_format='floppy'),
])
def test_bad_task_bodies(api, body):
    status = 403 if 'os_glance_x' in str(body) else 400
    api.post_json('/v2/tasks', body, headers=ADMIN, status=status)


def test_tasks_are_admin_only(api, remote):
    api.post_json('/v2/tasks', _task('http://x/y'), headers=ALICE, status=403)
    api.get('/v2/tasks', headers=ALICE, status=403)
    task = api.post_json('/v2/tasks', _task('http://missing/y'), headers=ADMIN).json
    api.get('/v2/tasks/%s' % task['id'], headers=ALICE, status=403)
    _wait_task(api, task['id'])
    api.get('/v2/tasks/00000000-0000-0000-0000-000000000000', headers=ADMIN, status=404)


def test_task_schemas(api):
    assert api.get('/v2/schemas/task', headers=ALICE).json['name'] == 'task'
    assert api.get('/v2/schemas/tasks', headers=ALICE).json['name'] == 'tasks'


def test_metadata_address_is_refused_by_default(api, remote):
    image = create(api)
    _import(api, image['id'], 'http://169.254.169.254/latest/meta-data', status=400)


def test_an_images_tasks(api, remote):
    # GET /v2/images/{id}/tasks: the import task that made the image; none for an
    # image made otherwise (Tempest waits on this list after a server snapshot).
    remote['http://example.test/disk.qcow2'] = QCOW2
    task = api.post_json('/v2/tasks', _task('http://example.test/disk.qcow2',
                                            visibility='public'),
                         headers=ADMIN, status=201).json
    image_id = _wait_task(api, task['id'])['result']['image_id']
    listed = api.get('/v2/images/%s/tasks' % image_id, headers=ALICE).json['tasks']
    assert [(t['id'], t['status'], t['image_id']) for t in listed] == \
        [(task['id'], 'success', image_id)]
    plain = create(api, name='plain')
    assert api.get('/v2/images/%s/tasks' % plain['id'], headers=ALICE).json == {'tasks': []}
    api.get('/v2/images/%s/tasks' % plain['id'], headers=BOB, status=404)
    api.get('/v2/images/00000000-0000-0000-0000-000000000000/tasks', headers=ALICE,
            status=404)
