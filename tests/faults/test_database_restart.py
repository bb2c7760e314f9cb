"""Scenario 2: the database server (the scenario's own MariaDB) restarts in
the middle of a boot storm.

Every request gets an answer (2xx, or 503 with Retry-After while the
database is away), every server ends ACTIVE or ERROR with a fault, the
conductor reconnects by itself, and nothing is half-written: the hosts'
claims add up to the servers placed on them."""

import time

import pytest

from tests.faults import backing
from tests.faults import compute_storm
from tests.faults import figures

pytestmark = [pytest.mark.faults, pytest.mark.scenario('database-restart')]


@pytest.fixture
def own_mariadb(tmp_path):
    server = backing.PrivateMariaDB(tmp_path).install().start()
    try:
        yield server
    finally:
        server.stop()


def test_database_restart_mid_storm(tmp_path, rabbit_url, own_mariadb):
    hosts = ['db%d' % i for i in range(figures.size('hosts'))]
    cloud = compute_storm.make_cloud(tmp_path / 'cloud', own_mariadb.create_database(),
                                     rabbit_url, hosts)
    compute_storm.start(cloud)
    try:
        storm = compute_storm.Storm(cloud, figures.size('servers'),
                                    figures.size('concurrency')).start()
        storm.requested.wait(120)
        down_at = time.time()
        own_mariadb.stop()
        time.sleep(figures.size('outage'))
        own_mariadb.start()
        back_at = time.time()
        recover_s = compute_storm.wait_recovered(cloud, compute_storm.expected_services(cloud))
        storm.wait()
        found = compute_storm.settle(cloud, figures.size('settle'))
        counts, stuck, faultless = compute_storm.outcome(found)
        claims, placed = compute_storm.claims_and_placed(cloud, found)
        fig = storm.tally.figures(
            'database-restart', stuck=len(stuck) + abs(claims - placed), recover_s=recover_s,
            detail='outage %.0fs; servers %s; claims %d for %d placed; faults %s' % (
                back_at - down_at, counts, claims, placed,
                compute_storm.fault_reasons(found)))
        figures.report(fig)
        assert not storm.tally.bad, storm.tally.bad
        assert storm.tally.lost == 0
        assert not stuck and not faultless, (stuck, faultless)
        assert claims == placed
        assert recover_s is not None, cloud.daemons.log_tails()
    finally:
        cloud.stop()
