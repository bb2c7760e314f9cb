"""Durability on real daemons: the replicator, auditor and expirer of both
storage nodes run (one-second intervals) while files are lost, corrupted,
written around a stopped object server, and expire, and while a container
database is lost.  Each test prints how
many seconds the cluster took to heal (docs/reliability.md)."""

import concurrent.futures
import configparser
import os
import shutil
import sqlite3
import time

import openstack
import pytest
import requests

from services.objectstore.common import paths
from services.objectstore.object import diskfile
from services.objectstore.ring import ring as ring_mod
from tests.functional import harness
from tests.functional.objectstore import fixtures

pytestmark = pytest.mark.functional
BOUND = 45
DAEMONS = ('replicator', 'auditor', 'expirer', 'reaper')


@pytest.fixture(scope='module')
def cluster(objectstore):
    extra = objectstore.workdir / 'background.conf'
    harness.write_ini(extra, {'replicator': {'interval': 1, 'reclaim_age': 3600},
                              'auditor': {'interval': 1, 'bytes_per_second': 0},
                              'expirer': {'interval': 1},
                              'reaper': {'interval': 1, 'delay_reaping': 0}})
    names = []
    for node in fixtures.NODES:
        for daemon in DAEMONS:
            name = '%s-%s' % (daemon, node)
            log = objectstore.workdir / ('%s.log' % name)
            objectstore.daemons.start(name, [
                harness.BIN / ('alto-objectstore-%s' % daemon),
                '--config-file', objectstore.config_file,
                '--config-file', objectstore.node_config(node), '--config-file', extra,
                '--log-file', log], log_file=log,
                output_file=objectstore.workdir / ('%s.err' % name))
            names.append(name)

    def first_passes_done():
        logs = [objectstore.workdir / ('%s.log' % n) for n in names]
        return all(p.exists() and 'pass done' in p.read_text() for p in logs)
    objectstore.daemons.wait_ready(first_passes_done, timeout=60,
                                   what='the first pass of every background daemon')
    conn = openstack.connect(**objectstore.cloud_config('demo-user'))
    token = conn.auth_token
    conn.close()
    cp = configparser.ConfigParser()
    cp.read(objectstore.config_file)
    rings = ring_mod.load_rings(str(objectstore.ring_dir), '',
                                cp.get('objectstore', 'hash_path_suffix'))
    account = objectstore.account('demo')
    base = '%s/v1/%s/durable' % (objectstore.url, account)
    assert requests.put(base, headers={'X-Auth-Token': token}, timeout=30).status_code in (
        201, 202)
    try:
        yield Cluster(objectstore, rings, account, base, token)
    finally:
        for name in names:
            objectstore.daemons.stop_one(name)


class Cluster:

    def __init__(self, store, rings, account, base, token):
        self.store = store
        self.rings = rings
        self.account = account
        self.base = base
        self.headers = {'X-Auth-Token': token}
        self.suffix = rings['object'].hash_suffix

    def device_root(self, device):
        node = next(n for n, devs in fixtures.NODES.items() if device in dict(devs))
        return self.store.workdir / ('node-%s' % node) / device

    def object_dir(self, device, name, account=None, container='durable'):
        names = (account or self.account, container, name)
        part = self.rings['object'].get_part(*names)
        digest = ring_mod.hash_path('', self.suffix, *names).hex()
        return self.device_root(device) / 'objects' / str(part) / digest[-3:] / digest

    def files(self, name, account=None, container='durable'):
        """{device: [file names]} of the object on every device."""
        out = {}
        for devices in fixtures.NODES.values():
            for device, _ in devices:
                path = self.object_dir(device, name, account, container)
                if path.is_dir() and os.listdir(path):
                    out[device] = sorted(os.listdir(path))
        return out

    def primaries(self, name):
        return [n['device'] for n in self.rings['object'].get_nodes(
            self.account, 'durable', name)[1]]

    def put(self, name, body, headers=None):
        resp = requests.put('%s/%s' % (self.base, name), data=body, timeout=30,
                            headers=dict(self.headers, **(headers or {})))
        assert resp.status_code == 201, resp.text
        return resp.headers['Etag']

    def listing(self):
        return [o['name'] for o in requests.get(self.base + '?format=json', timeout=30,
                                                headers=self.headers).json()]


def wait_for(what, check, bound=BOUND):
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > bound:
            pytest.fail('%s: not within %d s' % (what, bound))
        time.sleep(0.2)
    took = time.monotonic() - started
    print('\n%s: %.1f s' % (what, took))
    return took


def test_lost_files_are_restored(cluster):
    cluster.put('lost', b'keep me' * 100)
    victim = cluster.primaries('lost')[0]
    wanted = cluster.files('lost')[victim]
    assert sorted(cluster.files('lost')) == sorted(cluster.primaries('lost'))
    for name in wanted:
        os.unlink(cluster.object_dir(victim, 'lost') / name)
    wait_for('files deleted from one device restored',
             lambda: cluster.files('lost').get(victim) == wanted)


def test_a_flipped_byte_is_quarantined_and_restored(cluster):
    etag = cluster.put('rot', b'0123456789' * 1000)
    victim = cluster.primaries('rot')[1]
    (data,) = cluster.files('rot')[victim]
    path = cluster.object_dir(victim, 'rot') / data
    with open(path, 'r+b') as f:
        f.seek(5)
        f.write(b'X')
    quarantine = cluster.device_root(victim) / 'quarantined' / 'objects'

    def healed():
        if not quarantine.is_dir() or not os.listdir(quarantine):
            return False
        try:
            return diskfile.verify(str(path))['ETag'] == etag
        except (OSError, diskfile.DiskFileError):
            return False
    wait_for('flipped byte quarantined and the replica restored', healed)


def test_a_write_around_a_stopped_server_moves_home(cluster):
    store = cluster.store
    on_a = {d for d, _ in fixtures.NODES['a']}
    # an object whose handoff is on node a: with node b's object server down it is
    # stored on the a primary and the a handoff (a quorum of 2)
    name = next('home-%d' % i for i in range(1000)
                if not on_a <= set(cluster.primaries('home-%d' % i)))
    handoff = (on_a - set(cluster.primaries(name))).pop()
    store.daemons.stop_one('object-b')
    try:
        cluster.put(name, b'travelling')
        assert handoff in cluster.files(name)
    finally:
        store.start_server('b', 'object')
        store.daemons.wait_ready(lambda: store.server_answers('b', 'object'), timeout=60,
                                 what='object-b')
    wait_for('handoff moved to its primaries after the server came back',
             lambda: sorted(cluster.files(name)) == sorted(cluster.primaries(name)))
    resp = requests.get('%s/%s' % (cluster.base, name), headers=cluster.headers, timeout=30)
    assert resp.content == b'travelling'


def test_an_expiring_object_leaves_listings_and_disk(cluster):
    cluster.put('brief', b'short-lived', {'X-Delete-After': '2'})
    assert 'brief' in cluster.listing()
    assert len(cluster.files('brief')) == 3

    def gone():
        files = cluster.files('brief').values()
        return 'brief' not in cluster.listing() and files and \
            all(f[-1].endswith('.ts') and len(f) == 1 for f in files)
    wait_for('object with X-Delete-After: 2 gone from listing and disk (from its PUT)',
             gone)


def test_a_lost_container_database_is_restored(cluster):
    cluster.put('listed', b'row')
    ring = cluster.rings['container']
    part, nodes = ring.get_nodes(cluster.account, 'durable')
    digest = ring_mod.hash_path('', cluster.suffix, cluster.account, 'durable').hex()

    def db_path(device):
        return (cluster.device_root(device) / 'containers' / str(part) / digest[-3:] /
                digest / (digest + '.db'))

    def names(device):
        path = db_path(device)
        if not path.exists():
            return None
        conn = sqlite3.connect(str(path))
        try:
            return [r[0] for r in conn.execute(
                'SELECT name FROM objects WHERE deleted = 0 ORDER BY name')]
        except sqlite3.Error:
            return None
        finally:
            conn.close()
    victim = nodes[2]['device']
    wanted = names(nodes[0]['device'])
    assert 'listed' in wanted
    shutil.rmtree(db_path(victim).parent)
    wait_for('container database deleted from one device restored',
             lambda: names(victim) == wanted)


def _db_rows(cluster, kind, device, part, names):
    """Live listing rows of a database on ``device`` (None when absent)."""
    digest = ring_mod.hash_path('', cluster.suffix, *names).hex()
    path = (cluster.device_root(device) / ('%ss' % kind) / str(part) / digest[-3:] / digest /
            (digest + '.db'))
    if not path.exists():
        return None
    conn = sqlite3.connect(str(path))
    try:
        return sorted(r[0] for r in conn.execute(
            'SELECT name FROM %s WHERE deleted = 0' % (
                'objects' if kind == 'container' else 'containers')))
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def test_databases_go_to_a_handoff_while_a_primary_device_is_away(cluster):
    container = 'dbhandoff'
    url = '%s/%s' % (cluster.base.rsplit('/', 1)[0], container)
    assert requests.put(url, headers=cluster.headers, timeout=30).status_code in (201, 202)
    assert requests.put(url + '/before', data=b'x', headers=cluster.headers,
                        timeout=30).status_code == 201
    cring, aring = cluster.rings['container'], cluster.rings['account']
    cpart, cnodes = cring.get_nodes(cluster.account, container)
    apart, anodes = aring.get_nodes(cluster.account)
    # a device holding both the account's and the container's database
    victim = next(n['device'] for n in cnodes if n['device'] in {a['device'] for a in anodes})
    chandoff = next(cring.get_more_nodes(cpart))['device']
    ahandoff = next(aring.get_more_nodes(apart))['device']
    cnames, anames = (cluster.account, container), (cluster.account,)
    root = cluster.device_root(victim)
    away = root.with_name(root.name + '.away')
    os.rename(root, away)      # unmounted: its servers answer 507
    try:
        assert requests.put(url + '/while-away', data=b'y', headers=cluster.headers,
                            timeout=30).status_code == 201
        wait_for('container and account databases copied to handoffs while a primary '
                 'device is away',
                 lambda: _db_rows(cluster, 'container', chandoff, cpart, cnames) ==
                 ['before', 'while-away'] and
                 container in (_db_rows(cluster, 'account', ahandoff, apart, anames) or []))
        time.sleep(3)   # several replication passes: the handoffs keep their copies
        assert _db_rows(cluster, 'container', chandoff, cpart, cnames) is not None
        assert _db_rows(cluster, 'account', ahandoff, apart, anames) is not None
    finally:
        os.rename(away, root)
    wait_for('databases back on the returned device and removed from the handoffs',
             lambda: _db_rows(cluster, 'container', victim, cpart, cnames) ==
             ['before', 'while-away'] and
             _db_rows(cluster, 'container', chandoff, cpart, cnames) is None and
             _db_rows(cluster, 'account', ahandoff, apart, anames) is None)
    listing = requests.get(url + '?format=json', headers=cluster.headers, timeout=30).json()
    assert [o['name'] for o in listing] == ['before', 'while-away']


def test_a_deleted_account_is_reaped(cluster):
    conn = openstack.connect(**cluster.store.identity.cloud_config())
    admin = {'X-Auth-Token': conn.auth_token}
    conn.close()
    account = 'AUTH_reapme'
    url = '%s/v1/%s' % (cluster.store.url, account)
    assert requests.put(url + '/box', headers=admin, timeout=30).status_code == 201
    assert requests.put(url + '/box/o', data=b'doomed', headers=admin,
                        timeout=30).status_code == 201
    assert requests.delete(url, headers=admin, timeout=30).status_code == 204
    part, nodes = cluster.rings['container'].get_nodes(account, 'box')

    def reaped():
        files = cluster.files('o', account, 'box').values()
        if not files or not all(f[-1].endswith('.ts') for f in files):
            return False
        return all(requests.head('http://%s:%d%s' % (n['ip'], n['port'], paths.backend_path(
            n['device'], part, account, 'box')), timeout=10).status_code == 404 for n in nodes)
    wait_for('deleted account emptied: its object and container removed', reaped)


#: objects of the lost-device scenario (ALTO_DURABILITY_OBJECTS for another size)
MANY = int(os.environ.get('ALTO_DURABILITY_OBJECTS', '1000'))
ROTTEN = 10


def _many(cluster, container, names, method, body_of=None):
    """``{name: status}`` (with the body of a GET: ``(status, body)``) of one
    request per object, eight at a time."""
    session = requests.Session()

    def one(name):
        url = '%s/%s/%s' % (cluster.base.rsplit('/', 1)[0], container, name)
        resp = session.request(method, url, headers=cluster.headers, timeout=60,
                               data=body_of(name) if body_of else None)
        return name, (resp.status_code, resp.content) if method == 'GET' else \
            resp.status_code
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return dict(pool.map(one, names))


@pytest.mark.heavy
def test_a_thousand_objects_survive_a_lost_device_and_rot(cluster):
    """Write MANY objects; remove one device directory entirely: every object
    still reads, and the replicator puts a third replica on the handoff of
    each partition that device was a primary of; flip a byte in ROTTEN
    replicas: the auditor quarantines them and replication repairs them; the
    device comes back: the handoffs' copies go home."""
    container = 'thousand'
    assert requests.put('%s/%s' % (cluster.base.rsplit('/', 1)[0], container),
                        headers=cluster.headers,
                        timeout=30).status_code in (201, 202)
    names = ['obj-%05d' % i for i in range(MANY)]

    def body_of(name):
        return (name + ' ').encode() * 40
    started = time.monotonic()
    written = sum(s == 201 for s in _many(cluster, container, names, 'PUT',
                                          body_of).values())
    write_s = time.monotonic() - started
    assert written == MANY

    def primaries(name):
        return [n['device'] for n in cluster.rings['object'].get_nodes(
            cluster.account, container, name)[1]]

    def holders(name):
        return {d for d, files in cluster.files(name, container=container).items()
                if any(f.endswith('.data') for f in files)}
    victim = 'd2'
    on_victim = [n for n in names if victim in primaries(n)]
    # gone at once (a rename; daemons are tidying inside it), then removed
    removed = cluster.store.workdir / ('%s-removed' % victim)
    os.rename(cluster.device_root(victim), removed)
    shutil.rmtree(removed)
    lost_at = time.monotonic()
    try:
        answers = _many(cluster, container, names, 'GET')
        read_s = time.monotonic() - lost_at
        lost = [n for n, (status, body) in answers.items()
                if status != 200 or body != body_of(n)]
        assert lost == []
        left = {d for devs in fixtures.NODES.values() for d, _ in devs} - {victim}
        wait_for('three replicas of %d objects again after device %s was removed'
                 % (MANY, victim), lambda: all(holders(n) == left for n in on_victim),
                 bound=300)
        replicated_s = time.monotonic() - lost_at   # from the loss, the reads included

        # rot: one replica of ROTTEN objects gets a flipped byte
        rotten = names[:ROTTEN]
        paths_of = {}
        for name in rotten:
            device = sorted(holders(name))[0]
            (data,) = [f for f in cluster.files(name, container=container)[device]
                       if f.endswith('.data')]
            path = cluster.object_dir(device, name, container=container) / data
            with open(path, 'r+b') as f:
                f.seek(7)
                byte = f.read(1)
                f.seek(7)
                f.write(bytes([byte[0] ^ 0xff]))
            paths_of[name] = path
        quarantined = 0

        def repaired():
            nonlocal quarantined
            quarantined = sum(len(os.listdir(q)) for q in (
                cluster.device_root(d) / 'quarantined' / 'objects' for d in left)
                if q.is_dir())
            good = 0
            for name, path in paths_of.items():
                try:
                    diskfile.verify(str(path))
                    good += 1
                except (OSError, diskfile.DiskFileError):
                    pass
            return good == ROTTEN
        rot_s = wait_for('%d flipped bytes quarantined and repaired' % ROTTEN, repaired,
                         bound=300)
    finally:
        cluster.device_root(victim).mkdir(exist_ok=True)
    back_s = wait_for('handoff copies of %d objects moved back to device %s'
                      % (len(on_victim), victim),
                      lambda: all(holders(n) == set(primaries(n)) for n in on_victim),
                      bound=300)
    print('\nlost-device figures: objects written %d (%.1f s), read back after the loss in '
          '%.1f s, lost %d, re-replicated %d (%.1f s from the loss to full replication), '
          'rotten %d, quarantined %d, repaired %d (%.1f s), device back: %d moved home '
          '(%.1f s)' % (written, write_s, read_s, len(lost), len(on_victim), replicated_s,
                        ROTTEN, quarantined, ROTTEN, rot_s, len(on_victim), back_s))
    assert quarantined >= ROTTEN
