"""The ring builder and reader: balance, zone spread, few moves, stable mapping."""

import collections
import os

import pytest

from services.objectstore.ring import builder as ring_builder
from services.objectstore.ring import ring as ring_mod
from services.objectstore.ring import ringfile


def _builder(zones=4, per_zone=1, part_power=8, replicas=3, weight=100):
    b = ring_builder.RingBuilder(part_power, replicas)
    for zone in range(1, zones + 1):
        for n in range(per_zone):
            b.add_device(1, zone, '127.0.0.1', 6000 + zone, 'd%d-%d' % (zone, n), weight)
    return b


def _zones_of_part(b, part):
    return [(b.devices[row[part]]['region'], b.devices[row[part]]['zone'])
            for row in b.assignments]


def test_every_partition_spreads_over_distinct_zones():
    b = _builder(zones=4, per_zone=2)
    b.rebalance()
    for part in range(b.parts):
        zones = _zones_of_part(b, part)
        assert len(set(zones)) == 3, (part, zones)
    assert b.balance() < 1.0


def test_fewer_zones_than_replicas_still_spreads_over_devices():
    b = _builder(zones=2, per_zone=2)
    b.rebalance()
    for part in range(b.parts):
        devs = [row[part] for row in b.assignments]
        assert len(set(devs)) == 3
        assert set(collections.Counter(_zones_of_part(b, part)).values()) == {1, 2}


def test_weights_are_honoured():
    b = _builder(zones=4)
    b.set_weight(0, 200)
    b.add_device(1, 5, '127.0.0.1', 6010, 'big', 200)
    b.rebalance()
    counts = b.part_counts()
    assert counts[0] == pytest.approx(2 * counts[1], rel=0.05)
    assert counts[4] == pytest.approx(2 * counts[2], rel=0.05)


def test_adding_a_device_moves_only_its_share():
    b = _builder(zones=4, part_power=10)
    b.rebalance()
    before = [list(row) for row in b.assignments]
    b.add_device(1, 5, '127.0.0.1', 6010, 'new', 100)
    moved = b.rebalance()
    changed = sum(1 for r, row in enumerate(b.assignments)
                  for p, dev in enumerate(row) if before[r][p] != dev)
    assert changed == moved
    total = b.parts * b.replicas
    # the new device's share is a fifth; a few more for the zone spread
    assert total / 5 - 5 <= moved <= total / 5 * 1.1
    # never two replicas of one partition in one rebalance
    for p in range(b.parts):
        assert sum(1 for r in range(3) if before[r][p] != b.assignments[r][p]) <= 1
    assert b.balance() < 1.0


def test_rebalance_without_changes_moves_nothing():
    b = _builder()
    b.rebalance()
    assert b.rebalance() == 0


def test_removing_a_device_moves_its_replicas_only():
    b = _builder(zones=5)
    b.rebalance()
    held = b.part_counts()[4]
    b.remove_device(4)
    assert b.rebalance() == held
    assert ring_builder.NONE not in {d for row in b.assignments for d in row}


def test_too_few_devices_is_refused():
    b = _builder(zones=2)
    with pytest.raises(ring_builder.RingBuilderError):
        b.rebalance()


def test_duplicate_device_is_refused():
    b = _builder(zones=1)
    with pytest.raises(ring_builder.RingBuilderError):
        b.add_device(1, 2, '127.0.0.1', 6001, 'd1-0', 100)


def test_builder_round_trips_and_writes_a_ring(tmp_path):
    b = _builder()
    b.rebalance()
    b.save(tmp_path / 'object.builder')
    again = ring_builder.RingBuilder.load(tmp_path / 'object.builder')
    assert again.assignments == b.assignments
    assert again.rebalance() == 0
    again.write_ring(tmp_path / 'object.ring.gz')
    data = ringfile.read_ring(tmp_path / 'object.ring.gz')
    assert [list(row) for row in data.assignments] == b.assignments
    assert sorted(data.devices) == [0, 1, 2, 3]


def test_writing_before_rebalance_is_refused(tmp_path):
    with pytest.raises(ring_builder.RingBuilderError):
        _builder().write_ring(tmp_path / 'x.ring.gz')


def _ring_file(tmp_path, b):
    path = tmp_path / 'object.ring.gz'
    b.write_ring(path)
    return path


def test_mapping_is_stable_and_secret_dependent(tmp_path):
    b = _builder()
    b.rebalance()
    path = _ring_file(tmp_path, b)
    one = ring_mod.Ring(str(path), 'pre', 'suf')
    two = ring_mod.Ring(str(path), 'pre', 'suf')
    other = ring_mod.Ring(str(path), 'pre', 'other')
    names = [('AUTH_a', 'c', 'o%d' % i) for i in range(200)]
    assert [one.get_nodes(*n) for n in names] == [two.get_nodes(*n) for n in names]
    assert [one.get_part(*n) for n in names] != [other.get_part(*n) for n in names]
    # the partition is the top bits of md5(prefix/path suffix)
    digest = ring_mod.hash_path('pre', 'suf', 'AUTH_a', 'c', 'o1')
    assert one.get_part('AUTH_a', 'c', 'o1') == digest[0]   # part power 8: first byte
    part, nodes = one.get_nodes('AUTH_a', 'c', 'o1')
    assert [n['index'] for n in nodes] == [0, 1, 2]
    assert len({n['zone'] for n in nodes}) == 3


def test_handoffs_avoid_primaries_and_prefer_new_zones(tmp_path):
    b = _builder(zones=4, per_zone=2)
    b.rebalance()
    ring = ring_mod.Ring(str(_ring_file(tmp_path, b)), '', 'x')
    part, nodes = ring.get_nodes('AUTH_a', 'c')
    handoffs = list(ring.get_more_nodes(part))
    assert {n['id'] for n in handoffs}.isdisjoint(n['id'] for n in nodes)
    assert len(handoffs) == 8 - 3
    primary_zones = {n['zone'] for n in nodes}
    assert handoffs[0]['zone'] not in primary_zones
    assert handoffs == list(ring.get_more_nodes(part))


def test_ring_reloads_when_the_file_changes(tmp_path):
    b = _builder()
    b.rebalance()
    path = _ring_file(tmp_path, b)
    ring = ring_mod.Ring(str(path), '', 'x', reload_interval=0)
    assert len(ring.devices) == 4
    b.add_device(1, 5, '127.0.0.1', 6010, 'new', 100)
    b.rebalance()
    b.write_ring(path)
    os.utime(path, ns=(1, 1))   # a change the reader sees even within one tick
    assert len(ring.devices) == 5


def test_a_file_of_another_format_is_refused(tmp_path):
    import gzip
    path = tmp_path / 'bad.ring.gz'
    path.write_bytes(gzip.compress(b'{"format": "x"}'))
    with pytest.raises(ValueError):
        ringfile.read_ring(path)
