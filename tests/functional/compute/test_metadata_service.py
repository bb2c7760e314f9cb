"""alto-compute-metadata as a real process: it answers for a server it
learns about from the conductor over RabbitMQ, checks the proxy's
signature, and serves the same documents as the config drive."""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

import pytest

from tests.functional import harness
from tests.functional.compute import fixtures

pytestmark = pytest.mark.functional
SECRET = 'metadata-functional-secret'


def _ed25519_key(comment):
    """An OpenSSH ed25519 public key line (any 32 bytes make a valid one)."""
    def field(data):
        return len(data).to_bytes(4, 'big') + data
    blob = field(b'ssh-ed25519') + field(hashlib.sha256(comment.encode()).digest())
    return 'ssh-ed25519 %s %s' % (base64.b64encode(blob).decode(), comment)


KEY = _ed25519_key('mdtest')


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, mysql_compute_db):
    port = harness.free_port()
    c = fixtures.ComputeCloud(tmp_path_factory.mktemp('metadata'), mysql_compute_db,
                              extra={'metadata': {'bind_host': '127.0.0.1',
                                                  'bind_port': port,
                                                  'metadata_proxy_shared_secret': SECRET}})
    c.metadata_url = 'http://127.0.0.1:%d' % port
    try:
        c.start()
        c._spawn('metadata', 'alto-compute-metadata')
        c.request('POST', '/flavors', {'flavor': {'name': 'm1.nano', 'ram': 64, 'vcpus': 1,
                                                  'disk': 0, 'id': 'nano'}},
                  project='admin', roles='admin,member,reader')
        # answering is enough (400: a request without the proxy's headers)
        c.daemons.wait_ready(
            lambda: harness.answers(c.metadata_url + '/', accept=range(400, 600)),
            what='alto-compute-metadata', log_of='metadata')
        yield c
    finally:
        c.stop()


def _get(cloud, path, instance_id, tenant='demo', secret=SECRET):
    signature = hmac.new(secret.encode(), instance_id.encode(), hashlib.sha256).hexdigest()
    req = urllib.request.Request(cloud.metadata_url + path, headers={
        'X-Instance-ID': instance_id, 'X-Tenant-ID': tenant,
        'X-Instance-ID-Signature': signature})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers.get('Content-Type'), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get('Content-Type'), exc.read()


def test_metadata_of_a_real_server(cloud):
    cloud.request('POST', '/os-keypairs', {'keypair': {'name': 'mdkey', 'public_key': KEY}},
                  expect=201)
    user_data = base64.b64encode(b'#!/bin/sh\necho from-user-data\n').decode()
    server = cloud.request('POST', '/servers', {'server': {
        'name': 'md-server', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'nano',
        'networks': 'auto', 'key_name': 'mdkey', 'user_data': user_data,
        'metadata': {'role': 'db'}, 'config_drive': True}}, expect=202)['server']
    deadline = time.time() + 60
    while cloud.request('GET', '/servers/%s' % server['id'])['server']['status'] != 'ACTIVE':
        assert time.time() < deadline
        time.sleep(0.3)
    assert cloud.request('GET', '/servers/%s' % server['id'])['server']['config_drive'] == 'True'

    status, ctype, body = _get(cloud, '/openstack/latest/meta_data.json', server['id'])
    assert status == 200 and ctype.startswith('application/json'), body
    doc = json.loads(body)
    assert doc['uuid'] == server['id']
    assert doc['name'] == 'md-server' and doc['hostname'] == 'md-server'
    assert doc['public_keys'] == {'mdkey': KEY}
    assert doc['meta'] == {'role': 'db'}
    assert doc['project_id'] == 'demo' and doc['devices'] == []
    assert _get(cloud, '/openstack/latest/user_data', server['id'])[2] == \
        b'#!/bin/sh\necho from-user-data\n'
    status, _, body = _get(cloud, '/openstack/latest/network_data.json', server['id'])
    links = json.loads(body)['links']
    assert status == 200 and len(links) == 1 and links[0]['ethernet_mac_address']
    assert b'meta_data.json' in _get(cloud, '/openstack/latest', server['id'])[2]
    assert _get(cloud, '/latest/meta-data/public-keys/0/openssh-key', server['id'])[2] == \
        KEY.encode()
    assert _get(cloud, '/2009-04-04/meta-data/local-hostname', server['id'])[2] == \
        b'md-server'

    # A bad signature, another project, a server that does not exist.
    assert _get(cloud, '/openstack/latest/meta_data.json', server['id'],
                secret='wrong')[0] == 403
    assert _get(cloud, '/openstack/latest/meta_data.json', server['id'],
                tenant='other')[0] == 404
    assert _get(cloud, '/openstack/latest/meta_data.json',
                '00000000-0000-4000-8000-000000000000')[0] == 404

    cloud.request('DELETE', '/servers/%s' % server['id'], expect=204)


def test_a_port_tagged_at_boot_is_a_device_of_the_metadata(cloud):
    server = cloud.request('POST', '/servers', {'server': {
        'name': 'md-tagged', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'nano',
        'networks': [{'uuid': fixtures.NETWORK_ID, 'tag': 'nic-a'}]}},
        version='2.42', expect=202)['server']
    deadline = time.time() + 60
    while cloud.request('GET', '/servers/%s' % server['id'])['server']['status'] != 'ACTIVE':
        assert time.time() < deadline
        time.sleep(0.3)
    nics = cloud.request('GET', '/servers/%s/os-interface' % server['id'],
                         version='2.70')['interfaceAttachments']
    assert [n['tag'] for n in nics] == ['nic-a']
    status, _, body = _get(cloud, '/openstack/latest/meta_data.json', server['id'])
    assert status == 200, body
    assert json.loads(body)['devices'] == [
        {'type': 'nic', 'bus': 'pci', 'mac': nics[0]['mac_addr'], 'tags': ['nic-a']}]
    body = _get(cloud, '/openstack/2015-10-15/meta_data.json', server['id'])[2]
    assert 'devices' not in json.loads(body)
    cloud.request('DELETE', '/servers/%s' % server['id'], expect=204)
