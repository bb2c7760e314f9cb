"""A container server down: the object servers queue their listing updates
(async pendings) and alto-objectstore-updater delivers them once it is back."""

import json
import subprocess

import openstack
import pytest
import requests

from services.objectstore.common import paths
from tests.functional import harness
from tests.functional.objectstore import fixtures

pytestmark = pytest.mark.functional


def pendings(objectstore):
    return sorted(objectstore.workdir.glob('node-*/*/async_pending/*/*'))


def run_updater(objectstore, node):
    subprocess.run([str(harness.BIN / 'alto-objectstore-updater'), '--once',
                    '--config-file', str(objectstore.config_file),
                    '--config-file', str(objectstore.node_config(node)),
                    '--log-file', str(objectstore.workdir / ('updater-%s.log' % node))],
                   check=True, timeout=120)


def replica_listings(objectstore, account, container):
    """The object names each container replica lists (asked directly)."""
    from services.objectstore.ring import ring
    rings = ring.load_rings(str(objectstore.ring_dir), '',
                            _suffix(objectstore), types=('container',))
    part, nodes = rings['container'].get_nodes(account, container)
    out = []
    for node in nodes:
        url = 'http://%s:%d%s' % (node['ip'], node['port'], paths.backend_path(
            node['device'], part, account, container))
        out.append([row['name'] for row in requests.get(url, timeout=10).json()])
    return out


def _suffix(objectstore):
    import configparser
    cp = configparser.ConfigParser()
    cp.read(objectstore.config_file)
    return cp.get('objectstore', 'hash_path_suffix')


def test_updater_delivers_queued_listing_updates(objectstore):
    conn = openstack.connect(**objectstore.cloud_config('demo-user'))
    token = conn.auth_token
    conn.close()
    account = objectstore.account('demo')
    base = '%s/v1/%s/pending' % (objectstore.url, account)
    headers = {'X-Auth-Token': token}
    assert requests.put(base, headers=headers, timeout=30).status_code == 201
    before = set(pendings(objectstore))
    objectstore.daemons.stop_one('container-b')
    try:
        for i in range(4):
            resp = requests.put('%s/o%d' % (base, i), data=b'x', headers=headers, timeout=30)
            assert resp.status_code == 201, resp.text
        queued = set(pendings(objectstore)) - before
        assert queued, 'no update was queued with a container server down'
        body = json.loads(sorted(queued)[0].read_text())
        assert body['method'] == 'PUT' and body['container'] == 'pending'
    finally:
        objectstore.start_server('b', 'container')
        objectstore.daemons.wait_ready(lambda: objectstore.server_answers('b', 'container'),
                                       timeout=60, what='container-b')
    for node in fixtures.NODES:
        run_updater(objectstore, node)
    assert set(pendings(objectstore)) & queued == set()
    expected = ['o0', 'o1', 'o2', 'o3']
    assert replica_listings(objectstore, account, 'pending') == [expected] * 3
