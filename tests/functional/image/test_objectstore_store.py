"""alto-image-api keeping image data in the real object store: identity, the
object store cluster (proxy, two storage nodes) and the image API as real
daemons, driven by the ``openstack`` CLI; the objects are looked at through
the object store's API with the image service's own credentials."""

import hashlib
import os

import openstack
import pytest
import requests

from tests.functional.harness import free_port
from tests.functional.identity.cli import CLI
from tests.functional.image import fixtures
from tests.functional.objectstore.fixtures import ObjectStore

pytestmark = pytest.mark.functional

SEGMENT = 1 << 20
CONTAINER = 'glance-images'


@pytest.fixture(scope='module')
def swift(identity_server, tmp_path_factory):
    store = ObjectStore(tmp_path_factory.mktemp('objectstore'), identity_server)
    admin = openstack.connect(**identity_server.cloud_config())
    store.register_service(admin)
    admin.close()
    store.write_config()
    store.build_rings()
    store.start()
    try:
        yield store
    finally:
        store.stop()


@pytest.fixture(scope='module')
def image_server(identity_server, swift, tmp_path_factory):
    server = fixtures.ImageServer(tmp_path_factory.mktemp('image-swift'), free_port(),
                                  identity_server)
    server.register()
    # the object store lets its project's operators (member) write its account
    admin = openstack.connect(**identity_server.cloud_config())
    admin.identity.assign_project_role_to_user(
        admin.identity.find_project('service'), admin.identity.find_user('image'),
        admin.identity.find_role('member'))
    admin.close()
    server.store_options = {'driver': 'objectstore', 'objectstore_container': CONTAINER,
                            'objectstore_large_object_size': SEGMENT}
    server.write_config()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='module')
def image_account(identity_server, swift, image_server):
    """``(storage URL, headers)`` as the image service's user sees its account."""
    conn = openstack.connect(**identity_server.cloud_config('image', fixtures.SERVICE_PASSWORD,
                                                            'service'))
    url = conn.session.get_endpoint(service_type='object-store', interface='public')
    token = conn.auth_token
    conn.close()
    return url, {'X-Auth-Token': token}


@pytest.fixture(scope='module')
def demo(identity_server, image_server):
    return CLI(identity_server, 'alto-demo',
               identity_server.write_clouds_yaml(extra_clouds=image_server.clouds()))


def _objects(image_account):
    url, headers = image_account
    resp = requests.get('%s/%s' % (url, CONTAINER), headers=headers,
                        params={'format': 'json'}, timeout=10)
    if resp.status_code == 404:
        return {}
    assert resp.status_code == 200, resp.text
    return {item['name']: item['bytes'] for item in resp.json()}


def _write(path, size):
    block = hashlib.sha512(str(size).encode()).digest() * 2048  # 128 KiB
    with open(path, 'wb') as f:
        for _ in range(size // len(block)):
            f.write(block)
        f.write(block[:size % len(block)])
    return path


def _same(a, b):
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        return fa.read() == fb.read()


def test_image_data_is_objects_of_the_service_project(demo, image_account, tmp_path):
    source = _write(tmp_path / 'small.raw', 300 * 1024 + 7)
    image = demo.json('image', 'create', '--disk-format', 'raw', '--container-format',
                      'bare', '--file', str(source), 'small')
    assert image['status'] == 'active'
    assert _objects(image_account) == {image['id']: os.path.getsize(source)}
    saved = tmp_path / 'small.out'
    demo.run('image', 'save', '--file', str(saved), image['id'])
    assert _same(source, saved)
    demo.run('image', 'delete', image['id'])
    assert _objects(image_account) == {}


def test_multi_segment_image_round_trips_and_goes_whole(demo, image_account, tmp_path):
    size = 2 * SEGMENT + 12345
    source = _write(tmp_path / 'large.raw', size)
    image = demo.json('image', 'create', '--disk-format', 'raw', '--container-format',
                      'bare', '--file', str(source), 'large')
    assert (image['status'], image['size']) == ('active', size)
    with open(source, 'rb') as f:
        assert image['checksum'] == hashlib.md5(f.read()).hexdigest()
    objects = _objects(image_account)
    image_id = image['id']
    assert {k: v for k, v in objects.items() if k != image_id + '-manifest'} == {
        image_id: SEGMENT, image_id + '-00001': SEGMENT, image_id + '-00002': 12345}
    assert image_id + '-manifest' in objects
    saved = tmp_path / 'large.out'
    demo.run('image', 'save', '--file', str(saved), image_id)
    assert _same(source, saved)
    demo.run('image', 'delete', image_id)
    assert _objects(image_account) == {}


def test_stopped_proxy_is_503_and_the_image_stays_queued(identity_server, image_server,
                                                         swift):
    conn = openstack.connect(**identity_server.cloud_config('demo-user',
                                                           fixtures.USER_PASSWORD, 'demo'))
    headers = {'X-Auth-Token': conn.auth_token, 'Accept': 'application/json'}
    conn.close()
    resp = requests.post(image_server.url + '/v2/images', headers=headers, timeout=10,
                         json={'name': 'unlucky', 'disk_format': 'raw',
                               'container_format': 'bare'})
    assert resp.status_code == 201, resp.text
    url = '%s/v2/images/%s' % (image_server.url, resp.json()['id'])
    swift.daemons.stop_one('proxy')
    resp = requests.put(url + '/file', data=b'x' * 100000, timeout=30, headers=dict(
        headers, **{'Content-Type': 'application/octet-stream'}))
    assert resp.status_code == 503, resp.text
    assert int(resp.headers['Retry-After']) > 0
    assert requests.get(url, headers=headers, timeout=10).json()['status'] == 'queued'
