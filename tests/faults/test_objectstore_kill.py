"""Object store scenarios on the real cluster of the functional tier (two
storage nodes, four devices in four zones, 3 replicas, a proxy behind the
real identity service; tests/functional/objectstore/fixtures.py).

* object-server-kill: node ``a``'s object server SIGKILLed during
  concurrent PUTs, restarted after ``outage`` s.  Each PUT is a 201 (on a
  quorum: primaries and handoffs) or fails cleanly (503); no object is
  readable or listed with other bytes than the ones a client sent, and every
  201 reads back whole.
* container-server-kill: node ``b``'s container server SIGKILLed during
  PUTs, restarted; the object servers queue the listing updates they could
  not make (async pendings) and ``alto-objectstore-updater`` (running on
  both nodes, 1 s interval) delivers them: figure is the seconds from the
  restart until every container replica lists every object.
"""

import concurrent.futures
import configparser
import hashlib
import signal
import threading
import time

import openstack
import pytest
import requests

from services.objectstore.common import paths
from services.objectstore.ring import ring as ring_mod
from tests.faults import client
from tests.faults import figures
from tests.functional.identity import fixtures as identity_fixtures
from tests.functional.objectstore import fixtures

pytestmark = pytest.mark.faults
SIZE = 256 * 1024


class Tally(figures.Tally):
    """As for the other services, but the object store's clean failure is a
    plain 503 (Swift's proxy sends no Retry-After)."""

    def record(self, answer, what=''):
        if answer is not None and answer.status == 503:
            answer.headers.setdefault('Retry-After', '0')
        super().record(answer, what)


@pytest.fixture
def store(tmp_path_factory):
    identity = identity_fixtures._start(tmp_path_factory,
                                        lambda d: 'sqlite:///%s/identity.sqlite' % d)
    cluster = None
    try:
        cluster = fixtures.ObjectStore(tmp_path_factory.mktemp('objectstore'), identity)
        cluster.register()
        cluster.write_config()
        cluster.build_rings()
        cluster.start()
        conn = openstack.connect(**cluster.cloud_config('demo-user'))
        cluster.token = conn.auth_token
        conn.close()
        cluster.base = '%s/v1/%s/storm' % (cluster.url, cluster.account('demo'))
        answer = _send(cluster, 'PUT', '')
        assert answer is not None and answer.status in (201, 202), answer
        yield cluster
    finally:
        if cluster is not None:
            cluster.stop()
        identity.stop()


def _send(store, method, name, data=None, timeout=60):
    path = store.base + ('/%s' % name if name else '')
    return client.send(method, path, headers={'X-Auth-Token': store.token}, data=data,
                       timeout=timeout)


def _body(index):
    return hashlib.sha256(b'%d' % index).digest() * (SIZE // 32)


class PutStorm:
    """``count`` PUTs of distinct objects from ``concurrency`` clients."""

    def __init__(self, store, count, concurrency):
        self.store = store
        self.count = count
        self.tally = Tally()
        self.results = {}     # name -> status (None: no answer)
        self.half = threading.Event()
        self.pool = concurrent.futures.ThreadPoolExecutor(concurrency)
        self.futures = [self.pool.submit(self._put, i) for i in range(count)]

    def _put(self, index):
        name = 'o%04d' % index
        answer = _send(self.store, 'PUT', name, data=_body(index))
        self.tally.record(answer, 'PUT object')
        self.results[name] = None if answer is None else answer.status
        if index >= self.count // 3:
            self.half.set()

    def wait(self):
        for future in self.futures:
            future.result()
        self.pool.shutdown()
        return self


def _get(store, name):
    """(Answer, the body's bytes) of a GET; (None, None) without an answer."""
    try:
        resp = requests.get('%s/%s' % (store.base, name), timeout=60,
                            headers={'X-Auth-Token': store.token})
    except requests.RequestException:
        return None, None
    return client.Answer(resp.status_code, dict(resp.headers), ''), resp.content


def _check_objects(store, storm):
    """(objects read whole, bad: 201s that do not read back whole, anything
    read or listed with other bytes than those sent, failed PUTs that
    landed whole anyway)."""
    listing = _send(store, 'GET', '?format=json')
    storm.tally.record(listing, 'GET listing')
    listed = {row['name']: row for row in listing.json()} if listing else {}
    whole, bad, landed = 0, [], 0
    for name, status in storm.results.items():
        expected = hashlib.md5(_body(int(name[1:]))).hexdigest()
        answer, data = _get(store, name)
        storm.tally.record(answer, 'GET object')
        if answer is not None and answer.status == 200:
            if hashlib.md5(data).hexdigest() != expected:
                bad.append('%s reads %d bytes of other content' % (name, len(data)))
            else:
                whole += 1
                landed += status != 201
        elif status == 201:
            bad.append('%s: 201 but GET %s' % (name, answer and answer.status))
        row = listed.get(name)
        if row is not None and (row['bytes'] != SIZE or row['hash'] != expected):
            bad.append('%s listed as %s' % (name, row))
    return whole, bad, landed


def _wait_answering(store, node, server, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if store.server_answers(node, server):
            return True
        time.sleep(0.2)
    return False


def _probe(store):
    answer = _send(store, 'PUT', 'probe-%d' % time.time_ns(), data=b'probe')
    return answer is not None and answer.status == 201


@pytest.mark.scenario('object-server-kill')
def test_object_server_killed_mid_put(store):
    storm = PutStorm(store, figures.size('objects'), figures.size('concurrency'))
    assert storm.half.wait(120)
    store.daemons.stop_one('object-a', signal.SIGKILL)
    down_at = time.time()
    time.sleep(figures.size('outage'))
    store.start_server('a', 'object')
    back_at = time.time()
    recovered = _wait_answering(store, 'a', 'object') and _probe(store)
    recover_s = time.time() - back_at if recovered else None
    storm.wait()
    codes = {}
    for status in storm.results.values():
        codes[status] = codes.get(status, 0) + 1
    whole, bad, landed = _check_objects(store, storm)
    fig = storm.tally.figures(
        'object-server-kill', stuck=len(bad), recover_s=recover_s,
        detail='object-a down %.0fs; %d PUTs: %s; %d read whole, %d partial or foreign, '
               '%d failed PUTs whole anyway' % (back_at - down_at, storm.count, codes, whole,
                                                len(bad), landed))
    figures.report(fig)
    assert not storm.tally.bad, storm.tally.bad
    assert storm.tally.lost == 0
    assert not bad, bad
    assert recover_s is not None, store.daemons.log_tail('object-a')


def _replica_listings(store):
    cp = configparser.ConfigParser()
    cp.read(store.config_file)
    rings = ring_mod.load_rings(str(store.ring_dir), '', cp.get('objectstore',
                                                                'hash_path_suffix'),
                                types=('container',))
    account = store.account('demo')
    part, nodes = rings['container'].get_nodes(account, 'storm')
    out = []
    for node in nodes:
        url = 'http://%s:%d%s' % (node['ip'], node['port'], paths.backend_path(
            node['device'], part, account, 'storm'))
        try:
            resp = requests.get(url, timeout=10)
            out.append({row['name'] for row in resp.json()} if resp.ok else None)
        except (OSError, ValueError):
            out.append(None)
    return out


def _pendings(store):
    return len(list(store.workdir.glob('node-*/*/async_pending/*/*')))


@pytest.mark.scenario('container-server-kill')
def test_container_server_killed_listings_catch_up(store):
    # (the fixture runs each node's alto-objectstore-updater)
    storm = PutStorm(store, figures.size('objects'), figures.size('concurrency'))
    assert storm.half.wait(120)
    store.daemons.stop_one('container-b', signal.SIGKILL)
    down_at = time.time()
    storm.wait()       # the rest of the storm with the container server away
    queued = _pendings(store)
    time.sleep(max(0.0, figures.size('outage') - (time.time() - down_at)))
    store.start_server('b', 'container')
    back_at = time.time()
    assert _wait_answering(store, 'b', 'container')
    stored = {name for name, status in storm.results.items() if status == 201}
    recover_s = None
    deadline = back_at + figures.size('settle')
    while time.time() < deadline:
        listings = _replica_listings(store)
        if all(rows is not None and stored <= rows for rows in listings):
            recover_s = time.time() - back_at
            break
        time.sleep(0.5)
    listings = _replica_listings(store)
    missing = sum(len(stored - (rows or set())) for rows in listings)
    whole, bad, _ = _check_objects(store, storm)
    fig = storm.tally.figures(
        'container-server-kill', stuck=missing + len(bad), recover_s=recover_s,
        detail='container-b down %.0fs; %d stored, %d async pendings queued, %d left; '
               'listing rows missing at the end %d; %d partial or foreign' % (
                   back_at - down_at, len(stored), queued, _pendings(store), missing,
                   len(bad)))
    figures.report(fig)
    assert not storm.tally.bad, storm.tally.bad
    assert storm.tally.lost == 0
    assert queued > 0, 'no listing update was queued with a container server away'
    assert recover_s is not None, (missing, store.daemons.log_tail('updater-a'))
    assert not bad, bad
