"""The storage node's background daemons, against storage servers run in
process (requests go straight to their WSGI apps, no sockets): object and
database replication, the auditor, the expirer and the reaper."""

import json
import os
import sqlite3
import time
import types

import pytest
import webob

from services.objectstore.account import broker as account_broker
from services.objectstore.account import reaper as reaper_mod
from services.objectstore.account import server as account_server
from services.objectstore.common import client
from services.objectstore.common import dbreplicator
from services.objectstore.common import node as node_mod
from services.objectstore.common import timestamp
from services.objectstore.container import broker as container_broker
from services.objectstore.container import reporter
from services.objectstore.container import server as container_server
from services.objectstore.object import auditor
from services.objectstore.object import diskfile
from services.objectstore.object import expirer
from services.objectstore.object import expiring
from services.objectstore.object import replication
from services.objectstore.object import replicator
from services.objectstore.object import server as object_server
from services.objectstore.ring import builder
from services.objectstore.ring import ring as ring_mod
from services.objectstore.ring import ringfile

SUFFIX = 'sfx'
OLD = timestamp.normalize(0)
#: node -> devices (one zone each); ports: object 1x, container 2x, account 3x
NODES = {1: ('d1', 'd2'), 2: ('d3', 'd4')}
PORTS = {'object': 10, 'container': 20, 'account': 30}


def conf_for(root, node):
    return types.SimpleNamespace(
        storage=types.SimpleNamespace(devices=str(root / ('node%d' % node)), fsync=False,
                                      bytes_per_sync=0, keep_cache_size=5 << 20,
                                      node_timeout=1.0, bind_host='127.0.0.1',
                                      object_port=PORTS['object'] + node,
                                      container_port=PORTS['container'] + node,
                                      account_port=PORTS['account'] + node),
        objectstore=types.SimpleNamespace(hash_path_prefix='', hash_path_suffix=SUFFIX),
        replicator=types.SimpleNamespace(reclaim_age=3600))


class Cluster:
    """Two nodes of four devices; every server in process behind ``client``."""

    def __init__(self, root, monkeypatch):
        self.root = root
        self.rings = {}
        ring_dir = root / 'rings'
        ring_dir.mkdir()
        for kind, base in PORTS.items():
            ring = builder.RingBuilder(4, 3)
            zone = 0
            for node, devices in NODES.items():
                for device in devices:
                    zone += 1
                    ring.add_device(1, zone, '127.0.0.1', base + node, device, 100)
            ring.rebalance()
            ring.write_ring(ringfile.ring_path(str(ring_dir), kind))
            self.rings[kind] = ring_mod.Ring(ringfile.ring_path(str(ring_dir), kind), '',
                                             SUFFIX)
        self.conf = {n: conf_for(root, n) for n in NODES}
        self.down = set()
        self.apps = {}
        for node in NODES:
            for device in NODES[node]:
                os.makedirs(root / ('node%d' % node) / device)
            self.apps[PORTS['object'] + node] = object_server.ObjectServer(self.conf[node])
            self.apps[PORTS['container'] + node] = container_server.ContainerServer(
                self.conf[node])
            self.apps[PORTS['account'] + node] = account_server.AccountServer(
                self.conf[node])
        monkeypatch.setattr(client, 'request', self.request)
        monkeypatch.setattr(client, 'connect', self.connect)
        monkeypatch.setattr(client, 'kept_request', self.kept_request)

    def device_path(self, device):
        node = next(n for n, devs in NODES.items() if device in devs)
        return str(self.root / ('node%d' % node) / device)

    def request(self, node, method, path, headers=None, body=b'', conn_timeout=1.0,
                node_timeout=1.0, query_string=''):
        if node['port'] in self.down:
            raise ConnectionRefusedError('down')
        req = webob.Request.blank(path + ('?' + query_string if query_string else ''),
                                  method=method, headers=headers or {}, body=body)
        resp = req.get_response(self.apps[node['port']])
        return resp.status_int, dict(resp.headers), resp.body

    def kept_request(self, ip, port, method, path, headers, conn_timeout, node_timeout):
        return self.request({'port': port}, method, path, headers)[0]

    def connect(self, host, port, method, path, headers, conn_timeout, node_timeout,
                query_string=''):
        cluster = self

        class Conn:
            sent = b''

            def send(self, data):
                self.sent += data

            def getresponse(self):
                status, hdrs, body = cluster.request({'port': port}, method, path,
                                                     headers, self.sent)
                return types.SimpleNamespace(status=status, read=lambda: body,
                                             getheaders=lambda: list(hdrs.items()))

            def close(self):
                pass
        if port in self.down:
            raise ConnectionRefusedError('down')
        return Conn()

    # -- what the proxy would do ------------------------------------------------
    def object_nodes(self, *names):
        part, nodes = self.rings['object'].get_nodes(*names)
        return part, nodes

    def put_object(self, account, container, obj, body, headers=None, nodes=None):
        part, primaries = self.object_nodes(account, container, obj)
        hdrs = dict(headers or {}, **{'X-Timestamp': timestamp.now()})
        for node in nodes or primaries:
            status, _, _ = self.request(node, 'PUT', '/%s/%d/%s/%s/%s' % (
                node['device'], part, account, container, obj), hdrs, body)
            assert status == 201
        return part, primaries

    def object_files(self, account, container, obj):
        """Files of the object on each device: {device: [names]}."""
        part, _ = self.object_nodes(account, container, obj)
        name_hash = ring_mod.hash_path('', SUFFIX, account, container, obj).hex()
        out = {}
        for devices in NODES.values():
            for device in devices:
                disk = diskfile.DiskFile(self.device_path(device), part, name_hash)
                if disk._files():
                    out[device] = sorted(disk._files())
        return out

    def replicate_objects(self, node):
        stats = replicator.Stats()
        worker = replicator.ObjectReplicator(self.rings['object'], 1, 1)
        for dev, path in node_mod.local_devices(self.conf[node], self.rings['object'],
                                                'object'):
            worker.replicate_device(dev, path, OLD, stats)
        return stats


def _devices(root, *names):
    """Device directories (mounted devices) under ``root``, as paths."""
    for name in names:
        (root / name).mkdir()
    return [str(root / name) for name in names]


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    return Cluster(tmp_path, monkeypatch)


def test_suffix_hashes_agree_and_name_what_is_missing(tmp_path):
    a, b = _devices(tmp_path, 'a', 'b')
    for path in (a, b):
        disk = diskfile.DiskFile(path, 3, 'f' * 29 + 'abc', fsync=False)
        disk.write([b'body'], {}, '0000000001.00000')
    assert replication.suffix_hashes(a, 3, OLD) == replication.suffix_hashes(b, 3, OLD)
    diskfile.DiskFile(a, 3, 'e' * 29 + 'abc', fsync=False).write_tombstone('0000000002.00000')
    diskfile.DiskFile(b, 3, 'f' * 29 + 'abc', fsync=False).write_meta({}, '0000000003.00000')
    ours, theirs = (replication.suffix_listing(p, 3, 'abc', OLD) for p in (a, b))
    assert replication.suffix_hashes(a, 3, OLD) != replication.suffix_hashes(b, 3, OLD)
    # a lacks b's .meta; b lacks a's tombstone
    assert replication.files_to_push(ours, theirs) == [('e' * 29 + 'abc',
                                                        '0000000002.00000.ts')]
    assert replication.files_to_push(theirs, ours) == [('f' * 29 + 'abc',
                                                        '0000000003.00000.meta')]
    # a replica holding a newer version is sent nothing older
    assert replication.files_to_push({'h': ['0000000001.00000.data']},
                                     {'h': ['0000000005.00000.ts']}) == []


def test_old_tombstones_are_reclaimed(tmp_path):
    disk = diskfile.DiskFile(str(tmp_path), 1, 'a' * 32, fsync=False)
    disk.write_tombstone('0000000010.00000')
    assert replication.suffix_hashes(str(tmp_path), 1, '0000000005.00000')
    assert replication.suffix_hashes(str(tmp_path), 1, '0000000011.00000') == {}
    assert not os.path.exists(disk.dir)


def test_a_corrupt_data_file_is_refused(tmp_path):
    _devices(tmp_path, 'a', 'b')
    source = diskfile.DiskFile(str(tmp_path / 'a'), 1, 'a' * 32, fsync=False)
    source.write([b'hello'], {}, '0000000001.00000')
    path = os.path.join(source.dir, '0000000001.00000.data')
    data = bytearray(open(path, 'rb').read())
    data[0] ^= 0xff
    target = diskfile.DiskFile(str(tmp_path / 'b'), 1, 'a' * 32, fsync=False)
    with pytest.raises(diskfile.DiskFileError):
        target.place_file('0000000001.00000.data', [bytes(data)])
    assert target.state().kind is None
    assert target.place_file('0000000001.00000.data', [open(path, 'rb').read()])
    assert target.state().body_length == 5


def test_replicator_restores_a_lost_replica(cluster):
    part, primaries = cluster.put_object('AUTH_a', 'c', 'o', b'precious')
    victim = primaries[1]['device']
    name_hash = ring_mod.hash_path('', SUFFIX, 'AUTH_a', 'c', 'o').hex()
    disk = diskfile.DiskFile(cluster.device_path(victim), part, name_hash)
    for name in disk._files():
        os.unlink(os.path.join(disk.dir, name))
    assert victim not in cluster.object_files('AUTH_a', 'c', 'o')
    stats = sum((cluster.replicate_objects(n).pushed for n in NODES))
    assert stats == 1
    files = cluster.object_files('AUTH_a', 'c', 'o')
    assert set(files) == {p['device'] for p in primaries}
    assert len({tuple(f) for f in files.values()}) == 1
    # in step: the next passes push nothing
    assert sum(cluster.replicate_objects(n).pushed for n in NODES) == 0


def test_tombstones_replicate_over_older_data(cluster):
    part, primaries = cluster.put_object('AUTH_a', 'c', 'gone', b'x')
    first = primaries[0]
    status, _, _ = cluster.request(first, 'DELETE', '/%s/%d/AUTH_a/c/gone' % (
        first['device'], part), {'X-Timestamp': timestamp.now()})
    assert status == 204
    for node in NODES:
        cluster.replicate_objects(node)
    files = cluster.object_files('AUTH_a', 'c', 'gone')
    assert len(files) == 3 and all(f[0].endswith('.ts') for f in files.values())


def test_handoff_partition_moves_home(cluster):
    part, primaries = cluster.object_nodes('AUTH_a', 'c', 'moved')
    handoff = next(cluster.rings['object'].get_more_nodes(part))
    missing = primaries[2]
    cluster.put_object('AUTH_a', 'c', 'moved', b'away', nodes=primaries[:2] + [handoff])
    assert handoff['device'] in cluster.object_files('AUTH_a', 'c', 'moved')
    node = next(n for n, devs in NODES.items() if handoff['device'] in devs)
    cluster.down.add(missing['port'])
    stats = cluster.replicate_objects(node)
    assert stats.handoffs_removed == 0 and stats.failures >= 1   # a primary is down: kept
    cluster.down.clear()
    stats = cluster.replicate_objects(node)
    assert stats.handoffs_removed >= 1
    assert set(cluster.object_files('AUTH_a', 'c', 'moved')) == {
        p['device'] for p in primaries}
    assert not os.path.exists(os.path.join(cluster.device_path(handoff['device']),
                                           'objects', str(part)))


def test_a_primary_whose_device_is_gone_is_replaced_by_a_handoff(cluster):
    import shutil
    part, primaries = cluster.put_object('AUTH_a', 'c', 'kept', b'three copies')
    handoff = next(cluster.rings['object'].get_more_nodes(part))
    victim = primaries[1]['device']
    shutil.rmtree(cluster.device_path(victim))
    filled = sum(cluster.replicate_objects(n).handoffs_filled for n in NODES)
    assert filled >= 1
    files = cluster.object_files('AUTH_a', 'c', 'kept')
    assert set(files) == {p['device'] for p in primaries if p['device'] != victim} | {
        handoff['device']}
    # the handoff keeps its copy while the device is away ...
    for node in NODES:
        cluster.replicate_objects(node)
    assert handoff['device'] in cluster.object_files('AUTH_a', 'c', 'kept')
    # ... and hands it home once the device is back
    os.makedirs(cluster.device_path(victim))
    for _ in range(2):
        for node in NODES:
            cluster.replicate_objects(node)
    assert set(cluster.object_files('AUTH_a', 'c', 'kept')) == {
        p['device'] for p in primaries}


def test_a_handoff_does_not_stand_in_for_a_server_that_is_down(cluster):
    part, primaries = cluster.put_object('AUTH_a', 'c', 'wait', b'x')
    handoff = next(cluster.rings['object'].get_more_nodes(part))
    victim = primaries[1]
    name_hash = ring_mod.hash_path('', SUFFIX, 'AUTH_a', 'c', 'wait').hex()
    disk = diskfile.DiskFile(cluster.device_path(victim['device']), part, name_hash)
    for name in disk._files():
        os.unlink(os.path.join(disk.dir, name))
    cluster.down.add(victim['port'])
    for node in NODES:
        cluster.replicate_objects(node)
    # a server down is not a device gone: it is waited for (as Swift does)
    assert handoff['device'] not in cluster.object_files('AUTH_a', 'c', 'wait')


def test_unreadable_metadata_is_quarantined_and_the_object_missing(cluster):
    part, primaries = cluster.put_object('AUTH_a', 'c', 'footer', b'0123456789')
    victim = primaries[0]
    path = cluster.device_path(victim['device'])
    data_file = next(p for p in _walk(path, '.data'))
    with open(data_file, 'r+b') as f:
        f.seek(12)     # inside the footer's JSON
        f.write(b'\xff\x00{')
    status, _, _ = cluster.request(victim, 'GET', '/%s/%d/AUTH_a/c/footer' % (
        victim['device'], part))
    assert status == 404
    assert list(_walk(os.path.join(path, 'quarantined', 'objects'), '.data'))
    assert victim['device'] not in cluster.object_files('AUTH_a', 'c', 'footer')
    for node in NODES:
        cluster.replicate_objects(node)
    status, _, body = cluster.request(victim, 'GET', '/%s/%d/AUTH_a/c/footer' % (
        victim['device'], part))
    assert (status, body) == (200, b'0123456789')


def test_auditor_quarantines_a_flipped_byte_and_replication_repairs_it(cluster):
    part, primaries = cluster.put_object('AUTH_a', 'c', 'rot', b'0123456789')
    victim = primaries[0]['device']
    path = cluster.device_path(victim)
    data_file = next(p for p in _walk(path, '.data'))
    with open(data_file, 'r+b') as f:
        f.seek(3)
        f.write(b'X')
    stats = auditor.Stats()
    auditor.audit_device(path, 0, stats)
    assert stats.quarantined == 1 and stats.objects == 1
    assert list(_walk(os.path.join(path, 'quarantined'), '.data'))
    assert victim not in cluster.object_files('AUTH_a', 'c', 'rot')
    for node in NODES:
        cluster.replicate_objects(node)
    repaired = next(p for p in _walk(os.path.join(path, 'objects'), '.data'))
    assert diskfile.verify(repaired)['ETag'] == diskfile.verify(data_file.replace(
        path, cluster.device_path(primaries[1]['device'])))['ETag']


def test_auditor_quarantines_a_database_that_does_not_open(tmp_path):
    db = container_broker.ContainerDatabase(str(tmp_path), 2, 'b' * 32)
    db.initialize({'account': 'a', 'container': 'c'}, '0000000001.00000')
    with open(db.path, 'wb') as f:
        f.write(b'not a database at all' * 100)
    stats = auditor.Stats()
    auditor.audit_device(str(tmp_path), 0, stats)
    assert stats.quarantined == 1 and not db.exists()
    assert os.listdir(tmp_path / 'quarantined' / 'containers')


def test_throttle_sleeps_to_keep_the_rate():
    slept = []
    throttle = auditor.Throttle(1000, slept.append)
    throttle.account(2000)
    assert slept and 1.5 < slept[0] <= 2.0
    auditor.Throttle(0, slept.append).account(10 ** 9)
    assert len(slept) == 1


def _walk(root, ending):
    for base, _, files in os.walk(root):
        for name in files:
            if name.endswith(ending):
                yield os.path.join(base, name)


def _container_db(cluster, device, account, container):
    part = cluster.rings['container'].get_part(account, container)
    name_hash = ring_mod.hash_path('', SUFFIX, account, container).hex()
    return container_broker.ContainerDatabase(cluster.device_path(device), part, name_hash)


def test_container_databases_converge(cluster):
    part, nodes = cluster.rings['container'].get_nodes('AUTH_a', 'box')
    for node in nodes[:2]:
        status, _, _ = cluster.request(node, 'PUT', '/%s/%d/AUTH_a/box' % (
            node['device'], part), {'X-Timestamp': '0000000001.00000',
                                    'X-Container-Meta-Color': 'red'})
        assert status == 201
    first = nodes[0]
    cluster.request(first, 'PUT', '/%s/%d/AUTH_a/box/o1' % (first['device'], part),
                    {'X-Timestamp': '0000000002.00000', 'X-Size': '3', 'X-Etag': 'e'})
    second = nodes[1]
    cluster.request(second, 'PUT', '/%s/%d/AUTH_a/box/o2' % (second['device'], part),
                    {'X-Timestamp': '0000000003.00000', 'X-Size': '4', 'X-Etag': 'f'})
    stats = dbreplicator.Stats()
    for node in NODES:
        worker = dbreplicator.DatabaseReplicator(cluster.rings['container'],
                                                 container_broker.ContainerDatabase, 1, 1)
        for dev, path in node_mod.local_devices(cluster.conf[node],
                                                cluster.rings['container'], 'container'):
            worker.replicate_device(dev, path, OLD, stats)
    assert stats.merged >= 2
    for node in nodes:
        db = _container_db(cluster, node['device'], 'AUTH_a', 'box')
        conn = db.connect()
        assert [r['name'] for r in conn.execute('SELECT name FROM objects ORDER BY name')] \
            == ['o1', 'o2']
        assert db.info(conn)['metadata']['X-Container-Meta-Color'][0] == 'red'
        conn.close()


def test_database_merge_keeps_the_newest_row(tmp_path):
    _devices(tmp_path, 'a', 'b')
    a = container_broker.ContainerDatabase(str(tmp_path / 'a'), 1, 'c' * 32)
    b = container_broker.ContainerDatabase(str(tmp_path / 'b'), 1, 'c' * 32)
    for db in (a, b):
        db.initialize({'account': 'x', 'container': 'y'}, '0000000001.00000')
    conn_a, conn_b = a.connect(), b.connect()
    a.put_object(conn_a, 'o', '0000000005.00000', 1, 't', 'e1', False)
    b.put_object(conn_b, 'o', '0000000004.00000', 2, 't', 'e2', False)
    b.merge(a.replication_payload(conn_a))
    a.merge(b.replication_payload(conn_b))
    payloads = [db.replication_payload(c) for db, c in ((a, conn_a), (b, conn_b))]
    assert payloads[0]['rows'] == payloads[1]['rows']
    assert payloads[0]['rows'][0]['etag'] == 'e1'
    assert a.digest(payloads[0]) == b.digest(payloads[1])
    conn_a.close()
    conn_b.close()


def test_expirer_deletes_due_objects_and_drops_stale_entries(cluster, monkeypatch):
    delete_at = int(time.time()) + 100
    part, primaries = cluster.put_object('AUTH_a', 'c', 'brief', b'x',
                                         {'X-Delete-At': str(delete_at)})
    cluster.put_object('AUTH_a', 'c', 'renewed', b'x', {'X-Delete-At': str(delete_at)})
    cluster.put_object('AUTH_a', 'c', 'renewed', b'y', {'X-Delete-At': str(delete_at + 500)})
    stats = expirer.Stats()
    for devices in NODES.values():
        for device in devices:
            path = cluster.device_path(device)
            node = next(n for n, devs in NODES.items() if device in devs)
            server = {'ip': '127.0.0.1', 'port': PORTS['object'] + node}
            expirer.expire_device(server, device, path, cluster.rings, 1, 1, stats,
                                  now=delete_at - 1)
    assert stats.expired == 0
    # the object servers' clock has passed the expiry too (they read the object as gone)
    monkeypatch.setattr(object_server, 'time', types.SimpleNamespace(
        time=lambda: delete_at + 1))
    for devices in NODES.values():
        for device in devices:
            node = next(n for n, devs in NODES.items() if device in devs)
            expirer.expire_device({'ip': '127.0.0.1', 'port': PORTS['object'] + node},
                                  device, cluster.device_path(device), cluster.rings, 1, 1,
                                  stats, now=delete_at + 1)
    assert stats.expired == 3 and stats.dropped == 3
    files = cluster.object_files('AUTH_a', 'c', 'brief')
    assert [f for f in files.values()] == [[timestamp.normalize(delete_at) + '.ts']] * 3
    assert all(f[0].endswith('.data') for f in
               cluster.object_files('AUTH_a', 'c', 'renewed').values())
    # the entries that remain are the renewed object's later expiry
    left = [p for d in ('d1', 'd2', 'd3', 'd4')
            for p, _ in expiring.due(cluster.device_path(d), delete_at + 1000)]
    assert len(left) == 3


def _account_with_container(cluster, account, container):
    """An account and a container on every replica, container replica i
    paired with account replica i (as the proxy pairs them)."""
    apart, anodes = cluster.rings['account'].get_nodes(account)
    cpart, cnodes = cluster.rings['container'].get_nodes(account, container)
    for node in anodes:
        cluster.request(node, 'PUT', '/%s/%d/%s' % (node['device'], apart, account),
                        {'X-Timestamp': '0000000001.00000'})
    for index, node in enumerate(cnodes):
        paired = anodes[index]
        cluster.request(node, 'PUT', '/%s/%d/%s/%s' % (node['device'], cpart, account,
                                                      container),
                        {'X-Timestamp': '0000000002.00000',
                         'X-Account-Host': '127.0.0.1:%d' % paired['port'],
                         'X-Account-Device': paired['device'],
                         'X-Account-Partition': str(apart)})
    return apart, anodes, cpart, cnodes


def test_reaper_empties_a_deleted_account(cluster):
    apart, anodes, cpart, cnodes = _account_with_container(cluster, 'AUTH_gone', 'box')
    cluster.put_object('AUTH_gone', 'box', 'o', b'data',
                       expirer.container_headers(cluster.rings['container'], 'AUTH_gone',
                                                 'box'))
    for node in anodes:
        cluster.request(node, 'DELETE', '/%s/%d/AUTH_gone' % (node['device'], apart),
                        {'X-Timestamp': timestamp.now()})
    worker = reaper_mod.Reaper(cluster.rings, 1, 1)
    first = anodes[0]
    stats = reaper_mod.Stats()
    worker.reap_device(first, cluster.device_path(first['device']), 3600, stats)
    assert stats.accounts == 0   # not yet: the delay
    worker.reap_device(first, cluster.device_path(first['device']), 0, stats)
    assert (stats.accounts, stats.containers, stats.objects) == (1, 1, 1)
    files = cluster.object_files('AUTH_gone', 'box', 'o')
    assert len(files) == 3 and all(f[-1].endswith('.ts') for f in files.values())
    for node in cnodes:
        db = _container_db(cluster, node['device'], 'AUTH_gone', 'box')
        conn = db.connect()
        assert db.is_deleted(db.info(conn))
        conn.close()
    # the account rows learn the container is gone: the next pass has nothing to do
    db = account_broker.AccountDatabase(cluster.device_path(first['device']), apart,
                                        ring_mod.hash_path('', SUFFIX, 'AUTH_gone').hex())
    conn = db.connect()
    assert conn.execute('SELECT deleted FROM containers').fetchone()[0] == 1
    conn.close()


def test_run_forever_repeats_until_once(monkeypatch):
    calls = []
    assert node_mod.run_forever('x', lambda: calls.append(1), 5, True, calls.append) == 0
    assert calls == [1]

    def boom():
        raise RuntimeError('bad')
    assert node_mod.run_forever('x', boom, 5, True, calls.append) == 1


def test_local_devices_match_address_port_and_directory(cluster):
    found = node_mod.local_devices(cluster.conf[2], cluster.rings['object'], 'object')
    assert [d['device'] for d, _ in found] == ['d3', 'd4']
    assert json.dumps([p for _, p in found])


def _replicate_databases(cluster, kind, database_class, reclaim_before=OLD):
    stats = dbreplicator.Stats()
    worker = dbreplicator.DatabaseReplicator(cluster.rings[kind], database_class, 1, 1)
    for node in NODES:
        for dev, path in node_mod.local_devices(cluster.conf[node], cluster.rings[kind],
                                                kind):
            worker.replicate_device(dev, path, reclaim_before, stats)
    return stats


def test_a_handoff_database_moves_home(cluster):
    part, nodes = cluster.rings['container'].get_nodes('AUTH_a', 'away')
    handoff = next(cluster.rings['container'].get_more_nodes(part))
    status, _, _ = cluster.request(handoff, 'PUT', '/%s/%d/AUTH_a/away' % (
        handoff['device'], part), {'X-Timestamp': '0000000001.00000'})
    assert status == 201
    cluster.down.add(nodes[0]['port'])
    stats = _replicate_databases(cluster, 'container', container_broker.ContainerDatabase)
    assert stats.handoffs_removed == 0 and stats.failures >= 1
    assert _container_db(cluster, handoff['device'], 'AUTH_a', 'away').exists()
    cluster.down.clear()
    stats = _replicate_databases(cluster, 'container', container_broker.ContainerDatabase)
    assert stats.handoffs_removed == 1
    assert not _container_db(cluster, handoff['device'], 'AUTH_a', 'away').exists()
    assert all(_container_db(cluster, n['device'], 'AUTH_a', 'away').exists() for n in nodes)


def test_a_database_whose_primary_device_is_gone_goes_to_a_handoff(cluster):
    import shutil
    part, nodes = cluster.rings['container'].get_nodes('AUTH_a', 'lost')
    handoff = next(cluster.rings['container'].get_more_nodes(part))
    for node in nodes:
        status, _, _ = cluster.request(node, 'PUT', '/%s/%d/AUTH_a/lost' % (
            node['device'], part), {'X-Timestamp': '0000000001.00000'})
        assert status == 201
    victim = nodes[1]['device']
    shutil.rmtree(cluster.device_path(victim))
    stats = _replicate_databases(cluster, 'container', container_broker.ContainerDatabase)
    assert stats.handoffs_filled >= 1
    assert _container_db(cluster, handoff['device'], 'AUTH_a', 'lost').exists()
    # kept there while the device is away ...
    stats = _replicate_databases(cluster, 'container', container_broker.ContainerDatabase)
    assert stats.handoffs_removed == 0
    assert _container_db(cluster, handoff['device'], 'AUTH_a', 'lost').exists()
    # ... and goes home once the device is back
    os.makedirs(cluster.device_path(victim))
    for _ in range(2):
        _replicate_databases(cluster, 'container', container_broker.ContainerDatabase)
    assert _container_db(cluster, victim, 'AUTH_a', 'lost').exists()
    assert not _container_db(cluster, handoff['device'], 'AUTH_a', 'lost').exists()


def test_deleted_databases_and_rows_are_reclaimed(tmp_path):
    db = account_broker.AccountDatabase(str(tmp_path), 1, 'd' * 32)
    db.initialize({'account': 'a'}, '0000000001.00000')
    conn = db.connect()
    db.put_container(conn, 'c', '0000000002.00000', '0000000003.00000', 0, 0)
    db.set_delete_timestamp(conn, '0000000004.00000')
    assert db.reclaim(conn, '0000000003.50000') is False
    assert conn.execute('SELECT COUNT(*) FROM containers').fetchone()[0] == 0
    assert db.reclaim(conn, '0000000005.00000') is True
    conn.close()


HASH = 'f' * 29 + 'abc'


def frames(*files):
    """A SYNC body: ``(path, bytes[, entry line text])`` per file."""
    out = b''
    for path, data, *entry in files:
        out += ('%s %d %s\n' % (path, len(data), entry[0] if entry else '-')).encode()
        out += data
    return out


def sync(cluster, files, device='d1'):
    status, _, body = cluster.request({'port': 11}, 'SYNC', '/%s/3' % device, {},
                                      frames(*files))
    return status, (json.loads(body) if status == 200 else body)


@pytest.mark.parametrize('port, method, path, body, status', [
    (11, 'SYNC', '/d1/3', frames(('abc/%s/../x.data' % HASH, b'')), 400),
    (11, 'SYNC', '/d1/3', frames(('abc/%s/0000000001.00000.data' % ('f' * 29 + 'abd'),
                                  b'')), 400),
    (11, 'SYNC', '/d1/3', b'abc/%s/0000000001.00000.ts 10 -\n{}' % HASH.encode(), 400),
    (11, 'SYNC', '/d1/3', b'abc/%s/0000000001.00000.ts x -\n' % HASH.encode(), 400),
    (11, 'SYNC', '/d1/3', b'\xff\xfe\n', 400),
    (11, 'SYNC', '/d1/3/abc', b'', 400),
    (11, 'SYNC', '/d9/3', frames(('abc/%s/0000000001.00000.ts' % HASH, b'{}')), 507),
    (11, 'SYNC', '/d1/3', b'', 200),
    (11, 'REPLICATE', '/d1/x', b'', 400),
    (11, 'REPLICATE', '/d1/3/abc-xyz', b'', 400),
    (11, 'REPLICATE', '/d1/3/abc-', b'', 400),
    (11, 'REPLICATE', '/d1/3/../..', b'', 400),
    (11, 'REPLICATE', '/d1/3', b'', 200),
    (21, 'REPLICATE', '/d1/3/' + 'a' * 32, b'{"merge": {"names": 1}}', 400),
    (21, 'REPLICATE', '/d1/3/' + 'a' * 32, b'not json', 400),
    (21, 'REPLICATE', '/d1/3/' + 'a' * 32, b'{"digest": "x"}', 404),
    (31, 'REPLICATE', '/d1/3/nothash', b'', 400),
])
def test_replication_verbs_refuse_bad_input(cluster, port, method, path, body, status):
    got, _, _ = cluster.request({'port': port}, method, path, {}, body)
    assert got == status


def test_sync_refuses_corrupt_data_files_and_goes_on(cluster):
    data = 'abc/%s/0000000001.00000.data' % HASH
    status, answer = sync(cluster, [
        (data, b'junk'),
        (data, b'{"no json' + (9).to_bytes(8, 'big')),
        (data, b'[]' + (2).to_bytes(8, 'big')),
        ('abc/%s/%s.ts' % (HASH, timestamp.now()), b'{}')])
    assert status == 200
    assert (answer['placed'], answer['obsolete'], list(answer['refused'])) == (1, 0, [data])


def test_sync_places_a_tombstone_and_reports_an_obsolete_file(cluster):
    newer, older = timestamp.now(), timestamp.normalize(time.time() - 10)
    base = 'abc/%s/' % HASH
    status, answer = sync(cluster, [(base + newer + '.ts', b'{}'),
                                    (base + older + '.ts', b'{}')])
    assert (answer['placed'], answer['obsolete'], answer['refused']) == (1, 1, {})
    status, _, body = cluster.request({'port': 11}, 'REPLICATE', '/d1/3/abc-123')
    assert status == 200 and json.loads(body) == {'abc': {HASH: [newer + '.ts']},
                                                  '123': {}}
    # past reclaim_age (an hour here) a tombstone is forgotten
    assert sync(cluster, [(base + '0000000001.00000.ts', b'{}')])[1]['obsolete'] == 1
    status, _, body = cluster.request({'port': 11}, 'REPLICATE', '/d1/3/abc')
    assert json.loads(body) == {'abc': {HASH: [newer + '.ts']}}


def _report_containers(cluster):
    """One pass of the updater's container reports on each node:
    ``[(sent, failed)]``."""
    return [reporter.sweep(cluster.conf[node].storage.devices, 1, 1) for node in NODES]


def _account_object_counts(cluster, apart, anodes, account='AUTH_t'):
    counts = []
    for node in anodes:
        status, headers, _ = cluster.request(node, 'HEAD', '/%s/%d/%s' % (
            node['device'], apart, account))
        counts.append(headers['X-Account-Object-Count'])
    return counts


def test_containers_report_their_totals_to_the_accounts_off_the_write_path(cluster):
    apart, anodes, cpart, cnodes = _account_with_container(cluster, 'AUTH_t', 'box')
    # the container PUTs were reported at once: nothing left to report
    assert _report_containers(cluster) == [(0, 0), (0, 0)]
    cluster.put_object('AUTH_t', 'box', 'o', b'seven!!',
                       expirer.container_headers(cluster.rings['container'], 'AUTH_t',
                                                 'box'))
    # an object update changes the container only
    assert _account_object_counts(cluster, apart, anodes) == ['0', '0', '0']
    cluster.down.add(anodes[0]['port'])
    sent_failed = _report_containers(cluster)
    assert sum(s for s, _ in sent_failed) >= 1 and sum(f for _, f in sent_failed) >= 1
    cluster.down.clear()
    _report_containers(cluster)
    assert _account_object_counts(cluster, apart, anodes) == ['1', '1', '1']
    status, headers, _ = cluster.request(anodes[0], 'HEAD', '/%s/%d/AUTH_t' % (
        anodes[0]['device'], apart))
    assert headers['X-Account-Bytes-Used'] == '7'
    assert _report_containers(cluster) == [(0, 0), (0, 0)]   # told once


def test_a_merge_reaches_the_account_with_the_next_report(cluster):
    apart, anodes, cpart, cnodes = _account_with_container(cluster, 'AUTH_t', 'box')
    # only the first container replica heard of the object
    first = cnodes[0]
    cluster.request(first, 'PUT', '/%s/%d/AUTH_t/box/o' % (first['device'], cpart),
                    {'X-Timestamp': '0000000003.00000', 'X-Size': '7', 'X-Etag': 'e'})
    _report_containers(cluster)
    assert _account_object_counts(cluster, apart, anodes) == ['1', '0', '0']
    _replicate_databases(cluster, 'container', container_broker.ContainerDatabase)
    _report_containers(cluster)
    assert _account_object_counts(cluster, apart, anodes) == ['1', '1', '1']


def test_container_totals_follow_their_rows(tmp_path):
    db = container_broker.ContainerDatabase(str(tmp_path), 0, 'a' * 32)
    db.initialize({'account': 'AUTH_a', 'container': 'c'}, '0000000001.00000')
    conn = db.connect()
    try:
        def put(name, ts, size, deleted=False):
            return db.put_object(conn, name, ts, size, 'text/plain', 'e', deleted)

        def recount():
            return tuple(conn.execute('SELECT COUNT(*), COALESCE(SUM(size), 0) FROM objects '
                                      'WHERE deleted = 0').fetchone())
        assert put('a', '0000000002.00000', 10) and put('b', '0000000002.00000', 5)
        assert db.stats(conn) == (2, 15) == recount()
        assert put('a', '0000000003.00000', 4)             # overwritten
        assert not put('b', '0000000001.00000', 99)        # older: ignored
        assert db.stats(conn) == (2, 9) == recount()
        assert put('b', '0000000004.00000', 0, deleted=True)
        assert put('b', '0000000005.00000', 0, deleted=True)   # deleted again
        assert db.stats(conn) == (1, 4) == recount()
        db.merge_rows(conn, [
            {'name': 'a', 'created_at': '0000000002.50000', 'size': 50, 'content_type': '',
             'etag': '', 'deleted': 0},                          # older than ours
            {'name': 'b', 'created_at': '0000000006.00000', 'size': 3, 'content_type': '',
             'etag': '', 'deleted': 0},                          # revives b
            {'name': 'c', 'created_at': '0000000006.00000', 'size': 0, 'content_type': '',
             'etag': '', 'deleted': 1}])                         # a tombstone
        assert db.stats(conn) == (2, 7) == recount()
    finally:
        conn.close()


def test_an_older_container_file_gets_its_totals(tmp_path):
    db = container_broker.ContainerDatabase(str(tmp_path), 0, 'b' * 32)
    os.makedirs(db.dir)
    old = sqlite3.connect(db.path)
    old.executescript(
        "CREATE TABLE info (account TEXT, container TEXT, created_at TEXT, "
        "put_timestamp TEXT, delete_timestamp TEXT, metadata TEXT, account_host TEXT, "
        "account_device TEXT, account_partition TEXT);"
        "INSERT INTO info VALUES ('AUTH_a', 'c', '1', '1', '0', '{}', NULL, NULL, NULL);"
        "CREATE TABLE objects (name TEXT PRIMARY KEY, created_at TEXT, size INTEGER, "
        "content_type TEXT, etag TEXT, deleted INTEGER);"
        "INSERT INTO objects VALUES ('x', '2', 3, '', '', 0), ('y', '2', 4, '', '', 0), "
        "('z', '2', 0, '', '', 1);")
    old.commit()
    old.close()
    conn = db.connect()
    try:
        info = db.info(conn)
        assert db.stats(conn) == (2, 7)
        assert db.report_due(info)
    finally:
        conn.close()


def test_a_replicated_copy_brings_its_expiry_entry(cluster):
    delete_at = int(time.time()) + 100
    part, primaries = cluster.object_nodes('AUTH_a', 'c', 'ttl')
    cluster.put_object('AUTH_a', 'c', 'ttl', b'x', {'X-Delete-At': str(delete_at)},
                       nodes=primaries[:2])
    late = primaries[2]['device']
    assert list(expiring.due(cluster.device_path(late), delete_at + 1)) == []
    for node in NODES:
        cluster.replicate_objects(node)
    (entry,) = [e for _, e in expiring.due(cluster.device_path(late), delete_at + 1)]
    assert (entry['obj'], entry['delete_at']) == ('ttl', delete_at)


def test_a_sent_expiry_entry_must_name_the_object(cluster):
    path = 'abc/%s/%s.ts' % (HASH, timestamp.now())
    entry = json.dumps({'account': 'a', 'container': 'c', 'obj': 'other', 'delete_at': 5})
    status, answer = sync(cluster, [(path, b'{}', entry),
                                    (path.replace('.ts', '.meta'), b'{}', '[1, 2')])
    assert status == 200 and answer['placed'] + answer['obsolete'] == 2
    assert list(expiring.due(cluster.device_path('d1'), 10)) == []


def test_a_body_shorter_than_its_content_length_is_not_stored(cluster):
    part, nodes = cluster.object_nodes('AUTH_a', 'c', 'short')
    node = nodes[0]
    req = webob.Request.blank('/%s/%d/AUTH_a/c/short' % (node['device'], part), method='PUT',
                              headers={'X-Timestamp': timestamp.now()}, body=b'12345')
    req.content_length = 10      # the sender went away after five bytes
    assert req.get_response(cluster.apps[node['port']]).status_int == 499
    assert cluster.object_files('AUTH_a', 'c', 'short') == {}
    req = webob.Request.blank('/%s/%d/AUTH_a/c/short' % (node['device'], part), method='PUT',
                              headers={'X-Timestamp': timestamp.now()}, body=b'12345')
    assert req.get_response(cluster.apps[node['port']]).status_int == 201
    assert list(cluster.object_files('AUTH_a', 'c', 'short')) == [node['device']]


def test_a_device_unmounted_mid_request_answers_507_and_stays_away(cluster, monkeypatch):
    """The server found the device, then it went away before the database was
    made: 507, and the device's directory is not brought back."""
    gone = os.path.join(str(cluster.root), 'unmounted')
    monkeypatch.setattr(container_server.ContainerServer, 'device_path',
                        lambda self, device: gone)
    status, _, _ = cluster.request({'port': 21}, 'REPLICATE', '/d1/3/' + 'a' * 32, {},
                                   json.dumps({'merge': {'names': {
                                       'account': 'AUTH_a', 'container': 'c'},
                                       'created_at': '0000000001.00000'}}).encode())
    assert status == 507
    assert not os.path.exists(gone)
