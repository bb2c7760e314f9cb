"""Object files (newest wins, footers, tombstones), conditions and ranges,
metadata headers, and the container and account databases."""

import os
import shutil

import pytest

from services.objectstore.account import broker as account_broker
from services.objectstore.common import conditions
from services.objectstore.common import devices
from services.objectstore.common import metadata
from services.objectstore.common import paths
from services.objectstore.common import timestamp
from services.objectstore.container import broker as container_broker
from services.objectstore.object import diskfile


def test_newest_file_wins(tmp_path):
    disk = diskfile.DiskFile(str(tmp_path), 7, 'abcdef' * 5 + 'ab', fsync=False)
    assert disk.state().kind is None
    etag, size = disk.write([b'hello ', b'world'], {'Content-Type': 'text/plain'},
                            '0000000002.00000')
    state = disk.state()
    assert (state.kind, state.timestamp, state.body_length) == ('data', '0000000002.00000', 11)
    assert state.metadata['ETag'] == etag and size == 11
    assert b''.join(disk.reader(state, 3, 8)) == b'lo wo'
    disk.write_meta({'X-Object-Meta-A': '1', 'Content-Type': 'x/y'}, '0000000003.00000')
    assert disk.state().metadata['Content-Type'] == 'x/y'
    disk.write_tombstone('0000000004.00000')
    assert disk.state().kind == 'tombstone'
    disk.write([b'again'], {}, '0000000005.00000')
    assert sorted(p.name for p in (tmp_path / 'objects').rglob('*.*')) == [
        '0000000005.00000.data']


def test_etag_mismatch_leaves_nothing(tmp_path):
    disk = diskfile.DiskFile(str(tmp_path), 1, 'f' * 32, fsync=False)
    with pytest.raises(diskfile.DiskFileError):
        disk.write([b'abc'], {}, '0000000001.00000', expected_etag='0' * 32)
    assert disk.state().kind is None
    assert list((tmp_path / 'tmp').iterdir()) == []


def test_a_long_body_leaves_the_page_cache_as_it_is_flushed(tmp_path, monkeypatch):
    """Past keep_cache_size each flushed range is dropped, then the whole
    file after the last flush; a short body, or one never flushed, stays."""
    MiB = 1 << 20
    calls = []
    real = os.posix_fadvise

    def fadvise(fd, offset, length, advice):
        calls.append((offset, length, advice))
        return real(fd, offset, length, advice)
    monkeypatch.setattr(os, 'posix_fadvise', fadvise)
    body = [os.urandom(256 * 1024) for _ in range(12)]           # 3 MiB
    disk = diskfile.DiskFile(str(tmp_path), 1, 'a' * 32, fsync=True, bytes_per_sync=MiB,
                             keep_cache_size=MiB + MiB // 2)
    etag, size = disk.write(iter(body), {}, '0000000001.00000')
    drop = os.POSIX_FADV_DONTNEED
    assert size == 3 * MiB
    # the first MiB was flushed before the body passed 1.5 MiB: it goes at the end
    assert calls == [(MiB, MiB, drop), (2 * MiB, MiB, drop), (0, 0, drop)]
    state = disk.state()
    assert b''.join(disk.reader(state)) == b''.join(body)
    assert state.metadata['ETag'] == etag

    calls.clear()
    disk.write(iter(body[:4]), {}, '0000000002.00000')           # 1 MiB: kept
    unsynced = diskfile.DiskFile(str(tmp_path), 2, 'b' * 32, fsync=False,
                                 bytes_per_sync=MiB, keep_cache_size=0)
    unsynced.write(iter(body), {}, '0000000003.00000')          # never flushed: kept
    assert calls == []


@pytest.mark.parametrize('headers, method, expected', [
    ({}, 'GET', None),
    ({'If-Match': '"e1"'}, 'GET', None),
    ({'If-Match': 'e2'}, 'GET', 412),
    ({'If-Match': '*'}, 'GET', None),
    ({'If-None-Match': 'e1'}, 'GET', 304),
    ({'If-None-Match': 'e1'}, 'PUT', 412),
    ({'If-None-Match': 'e2'}, 'GET', None),
    ({'If-Modified-Since': 'Tue, 14 Nov 2023 22:13:20 GMT'}, 'GET', 304),
    ({'If-Modified-Since': 'Tue, 14 Nov 2023 22:13:19 GMT'}, 'GET', None),
    ({'If-Unmodified-Since': 'Tue, 14 Nov 2023 22:13:19 GMT'}, 'GET', 412),
    ({'If-Unmodified-Since': 'not a date'}, 'GET', None),
])
def test_preconditions(headers, method, expected):
    assert conditions.precondition_status(headers, method, 'e1', '1700000000.5') == expected


def test_byte_ranges():
    assert conditions.byte_range(None, 10) is None
    assert conditions.byte_range('bytes=2-4', 10) == (2, 5)
    assert conditions.byte_range('bytes=-3', 10) == (7, 10)
    assert conditions.byte_range('bytes=5-', 10) == (5, 10)
    assert conditions.byte_range('bytes=20-30', 10) == 'unsatisfiable'
    assert conditions.byte_range('bytes=0-1,3-4', 10) is None
    assert conditions.byte_range('garbage', 10) is None


def test_metadata_headers_and_merge():
    updates = metadata.updates_from_headers(
        {'X-Container-Meta-Color': ' blue ', 'x-remove-container-meta-size': 'x',
         'X-Container-Read': '.r:*', 'X-Other': 'no'}, 'Container',
        metadata.CONTAINER_SYSTEM_HEADERS)
    assert updates == {'X-Container-Meta-Color': 'blue', 'X-Container-Meta-Size': '',
                       'X-Container-Read': '.r:*'}
    stored = metadata.merge({'X-Container-Meta-Color': ['red', '2']}, updates, '1')
    assert stored['X-Container-Meta-Color'] == ['red', '2']   # older update loses
    assert metadata.visible(metadata.merge(stored, updates, '3')) == {
        'X-Container-Meta-Color': 'blue', 'X-Container-Read': '.r:*'}
    with pytest.raises(metadata.BadMetadata):
        metadata.check({'X-Object-Meta-' + 'k' * 129: 'v'}, 'Object')
    with pytest.raises(metadata.BadMetadata):
        metadata.check({'X-Object-Meta-%d' % i: 'v' for i in range(91)}, 'Object')


def test_container_database(tmp_path):
    db = container_broker.ContainerDatabase(str(tmp_path), 3, 'a' * 32)
    db.initialize({'account': 'AUTH_a', 'container': 'c'}, '0000000001.00000')
    conn = db.connect()
    assert db.put_object(conn, 'o1', '0000000002.00000', 5, 'text/plain', 'e', False)
    assert not db.put_object(conn, 'o1', '0000000001.50000', 9, 'text/plain', 'e', False)
    assert db.put_object(conn, 'o2', '0000000002.00000', 7, 'text/plain', 'e', False)
    assert db.stats(conn) == (2, 12)
    assert db.put_object(conn, 'o1', '0000000003.00000', 0, '', '', True)
    assert db.stats(conn) == (1, 7)
    rows = db.list_rows(conn, db.LIST_COLUMNS, {'limit': 10})
    assert [r['name'] for r in rows] == ['o2']
    assert not db.is_deleted(db.info(conn))
    db.set_delete_timestamp(conn, '0000000004.00000')
    assert db.is_deleted(db.info(conn))


def test_account_database(tmp_path):
    db = account_broker.AccountDatabase(str(tmp_path), 3, 'b' * 32)
    db.initialize({'account': 'AUTH_a'}, '0000000001.00000')
    conn = db.connect()
    db.put_container(conn, 'c1', '0000000002.00000', '0', 3, 30)
    db.put_container(conn, 'c2', '0000000002.00000', '0', 1, 1)
    assert db.stats(conn) == (2, 4, 31)
    db.put_container(conn, 'c2', '0000000001.00000', '0000000003.00000', 0, 0)
    assert db.stats(conn) == (1, 3, 30)


def test_paths_and_timestamps():
    assert paths.split_backend_path('/d1/12/AUTH_a/c/o/with/slashes') == (
        'd1', 12, 'AUTH_a', 'c', 'o/with/slashes')
    assert paths.split_api_path('/v1/AUTH_a/c') == ('v1', 'AUTH_a', 'c', None)
    for bad in ('/d1/x/AUTH_a', '/d1'):
        with pytest.raises(paths.BadPath):
            paths.split_backend_path(bad)
    with pytest.raises(paths.BadPath):
        paths.split_api_path('/v2/AUTH_a')
    with pytest.raises(paths.BadPath):
        paths.check_names('AUTH_a', 'c', 'o' * 1025)
    assert timestamp.normalize(1.5) == '0000000001.50000'
    assert timestamp.normalize('1700000000.123456') == '1700000000.12346'
    with pytest.raises(ValueError):
        timestamp.normalize('nan')


def test_updater_sends_pendings_and_keeps_failures(tmp_path, monkeypatch):
    from services.objectstore.common import client
    from services.objectstore.object import updater
    device = tmp_path / 'd1'
    device.mkdir()
    bodies = [{'host': '127.0.0.1:%d' % port, 'device': 'd2', 'partition': '3',
               'method': 'PUT', 'account': 'AUTH_a', 'container': 'c', 'obj': 'o',
               'headers': {'X-Timestamp': '0000000001.00000'}} for port in (1, 2)]
    for body in bodies:
        client.write_async_pending(str(device), 'abc123', '0000000001.00000', body)
    (tmp_path / 'not-a-device.txt').write_text('')
    sent = []

    def fake_update(host, *args):
        sent.append(host)
        return host.endswith(':1')
    monkeypatch.setattr(client, 'update', fake_update)
    assert updater.sweep(str(tmp_path), 1, 1) == (1, 1)
    assert sorted(sent) == ['127.0.0.1:1', '127.0.0.1:2']
    assert len(list(updater.pending_files(str(tmp_path)))) == 1
    assert updater.sweep(str(tmp_path / 'missing'), 1, 1) == (0, 0)


def test_a_pending_another_updater_removed_meanwhile_is_no_failure(tmp_path, monkeypatch):
    from services.objectstore.common import client
    from services.objectstore.object import updater
    device = tmp_path / 'd1'
    device.mkdir()
    client.write_async_pending(str(device), 'abc123', '0000000001.00000', {
        'host': '127.0.0.1:1', 'device': 'd2', 'partition': '3', 'method': 'PUT',
        'account': 'AUTH_a', 'container': 'c', 'obj': 'o', 'headers': {}})
    [path] = updater.pending_files(str(tmp_path))

    def sent_by_both(*args):
        import os
        os.unlink(path)  # the other updater's unlink lands first
        return True
    monkeypatch.setattr(client, 'update', sent_by_both)
    assert updater.sweep(str(tmp_path), 1, 1) == (1, 0)


def test_the_updater_keeps_two_schedules(tmp_path, monkeypatch):
    import types
    from services.objectstore.container import reporter
    from services.objectstore.object import updater
    (tmp_path / 'd1').mkdir()
    (tmp_path / 'not-a-device.txt').write_text('')
    assert reporter.sweep(str(tmp_path), 1, 1) == (0, 0)
    calls = []
    monkeypatch.setattr(updater, 'sweep', lambda *a: calls.append('pendings') or (0, 0))
    monkeypatch.setattr(reporter, 'sweep', lambda *a: calls.append('reports') or (0, 0))
    conf = types.SimpleNamespace(storage=types.SimpleNamespace(
        devices=str(tmp_path), node_timeout=1, updater_interval=3,
        container_report_interval=1))
    assert updater.interval(conf) == 1
    now = [0.0]
    one_pass = updater.make_pass(conf, clock=lambda: now[0])
    for _ in range(4):
        one_pass()
        now[0] += 1
    assert calls.count('reports') == 4 and calls.count('pendings') == 2


def test_a_database_connection_is_reused_until_its_file_is_replaced(tmp_path):
    db = container_broker.ContainerDatabase(str(tmp_path), 1, 'e' * 32)
    db.initialize({'account': 'a', 'container': 'c'}, '0000000001.00000')
    first = db.connect()
    first.close()
    again = db.connect()
    assert again is first
    # a connection still in a transaction when closed is rolled back
    again.execute('BEGIN IMMEDIATE')
    again.execute("UPDATE info SET put_timestamp = '0000000009.00000'")
    again.close()
    conn = db.connect()
    assert db.info(conn)['put_timestamp'] == '0000000001.00000'
    conn.close()
    # the file replaced by another copy: a new connection, to the new file
    db.release()
    shutil.rmtree(db.dir)
    db.initialize({'account': 'a', 'container': 'c'}, '0000000005.00000')
    conn = db.connect()
    assert conn is not first
    assert db.info(conn)['put_timestamp'] == '0000000005.00000'
    conn.close()
    os.rename(db.path, db.path + '.moved')
    db.initialize({'account': 'a', 'container': 'c'}, '0000000007.00000')
    conn = db.connect()
    assert db.info(conn)['put_timestamp'] == '0000000007.00000'
    conn.close()


def test_a_device_gone_is_never_created_again(tmp_path):
    """An object or database written after its device went away (unmounted
    mid-request) fails with DeviceGone; the device's directory stays absent."""
    device = tmp_path / 'd1'
    device.mkdir()
    disk = diskfile.DiskFile(str(device), 3, 'a' * 32, fsync=False)
    db = container_broker.ContainerDatabase(str(device), 3, 'b' * 32)
    device.rmdir()
    with pytest.raises(devices.DeviceGone):
        disk.write([b'x'], {}, '0000000001.00000')
    with pytest.raises(devices.DeviceGone):
        db.initialize({'account': 'AUTH_a', 'container': 'c'}, '0000000001.00000')
    assert not device.exists()
    device.mkdir()                         # mounted again: written as usual
    disk.write([b'x'], {}, '0000000002.00000')
    assert disk.state().kind == 'data'


def test_makedirs_on_a_device_starts_again_when_a_parent_is_tidied(tmp_path, monkeypatch):
    device = tmp_path / 'd1'
    target = device / 'objects' / '1' / 'abc'
    device.mkdir()
    real_mkdir, calls = os.mkdir, []

    def mkdir(path, *args):
        calls.append(path)
        if len(calls) == 2:              # a replicator removes 'objects' meanwhile
            os.rmdir(device / 'objects')
        return real_mkdir(path, *args)
    monkeypatch.setattr(os, 'mkdir', mkdir)
    devices.makedirs(str(device), str(target))
    assert target.is_dir()


def test_a_short_body_is_stored_in_one_trip_out_of_the_loop(tmp_path, monkeypatch):
    """Creating, writing, flushing and placing a body shorter than a write
    batch is one offloaded call; the flush still happens before the answer."""
    trips, flushed = [], []
    real_fsync = os.fsync
    monkeypatch.setattr(os, 'fsync', lambda fd: flushed.append(fd) or real_fsync(fd))

    def offload(func, *args):
        trips.append(func.__name__)
        return func(*args)
    disk = diskfile.DiskFile(str(tmp_path), 1, 'c' * 32, fsync=True, offload=offload)
    etag, size = disk.write(iter([b'x' * 4096]), {}, '0000000001.00000')
    assert (trips, len(flushed), size) == (['_write_whole'], 1, 4096)
    state = disk.state()
    assert state.metadata['ETag'] == etag and b''.join(disk.reader(state)) == b'x' * 4096
    # a mismatched ETag leaves no temporary file behind on this path either
    with pytest.raises(diskfile.DiskFileError):
        disk.write(iter([b'y']), {}, '0000000002.00000', expected_etag='0' * 32)
    assert list((tmp_path / 'tmp').iterdir()) == []
    assert disk.state().timestamp == '0000000001.00000'

