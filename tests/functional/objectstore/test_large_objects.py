"""Large objects uploaded at once, with fsync on.

A cluster of its own (the package's runs with fsync off): the object servers
flush every body before they answer, and the proxy waits 5 s on a silent
storage server (the fixture's ``node_timeout``).  Several 64 MiB uploads at
once must all be stored and answered 201, and read back whole.  (An object
server that wrote and flushed bodies in its serving loop kept the other
uploads unread past the proxy's timeout: 503s.)
"""

import concurrent.futures
import hashlib
import os
import time

import pytest
import requests

from tests.functional.objectstore import fixtures

pytestmark = pytest.mark.functional
MiB = 1 << 20
UPLOADS = 4
SIZE = 64 * MiB


class DurableStore(fixtures.ObjectStore):

    def write_config(self):
        super().write_config()
        for node in fixtures.NODES:
            path = self.node_config(node)
            path.write_text(path.read_text().replace('fsync = false', 'fsync = true'))


@pytest.fixture(scope='module')
def own_identity(tmp_path_factory):
    """An identity service of its own: the package's already holds the
    service user and projects this cluster registers."""
    yield from fixtures.identity_service(tmp_path_factory)


@pytest.fixture(scope='module')
def durable(own_identity, tmp_path_factory):
    store = DurableStore(tmp_path_factory.mktemp('objectstore-durable'), own_identity)
    store.register()
    store.write_config()
    assert 'fsync = true' in store.node_config('a').read_text()
    store.build_rings()
    store.start()
    try:
        yield store
    finally:
        store.stop()


def _token(store):
    import openstack
    conn = openstack.connect(**store.cloud_config('demo-user'))
    try:
        return conn.auth_token
    finally:
        conn.close()


def test_concurrent_64_mib_puts_are_stored_and_acknowledged(durable):
    base = '%s/v1/%s/big' % (durable.url, durable.account('demo'))
    headers = {'X-Auth-Token': _token(durable)}
    assert requests.put(base, headers=headers, timeout=30).status_code in (201, 202)
    body = os.urandom(SIZE)
    etag = hashlib.md5(body, usedforsecurity=False).hexdigest()

    def put(index):
        started = time.monotonic()
        # a bounded wait: a stuck upload fails the test instead of hanging it
        resp = requests.put('%s/o%d' % (base, index), data=body, headers=headers,
                            timeout=120)
        return resp.status_code, resp.headers.get('Etag'), time.monotonic() - started

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(UPLOADS) as pool:
        results = list(pool.map(put, range(UPLOADS)))
    took = time.monotonic() - started
    print('%d x 64 MiB PUT at once (fsync on): %.1f s, %s'
          % (UPLOADS, took, ['%d in %.1f s' % (r[0], r[2]) for r in results]))
    assert [r[0] for r in results] == [201] * UPLOADS, results
    assert all(r[1] == etag for r in results)
    for index in range(UPLOADS):
        resp = requests.get('%s/o%d' % (base, index), headers=headers, timeout=120)
        assert resp.status_code == 200
        assert hashlib.md5(resp.content, usedforsecurity=False).hexdigest() == etag
    listing = requests.get(base, headers=dict(headers, Accept='application/json'),
                           timeout=30).json()
    assert sorted(o['name'] for o in listing) == ['o%d' % i for i in range(UPLOADS)]
    assert all(o['bytes'] == SIZE for o in listing)
