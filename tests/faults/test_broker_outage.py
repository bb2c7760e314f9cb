"""Scenario 1: RabbitMQ stops for ``outage`` seconds in the middle of a
boot storm and comes back.

Every request gets an answer (2xx, or 503 with Retry-After while the broker
is away), every server ends ACTIVE or ERROR with a fault, none stays in
BUILD, and every daemon reconnects on its own: all services report up and
a new server boots."""

import time

import pytest

from tests.faults import compute_storm
from tests.faults import figures

pytestmark = [pytest.mark.faults, pytest.mark.scenario('broker-outage')]


def test_broker_outage_mid_storm(tmp_path, suite_rabbit, rabbit_url, suite_mariadb):
    hosts = ['bo%d' % i for i in range(figures.size('hosts'))]
    cloud = compute_storm.make_cloud(tmp_path / 'cloud', suite_mariadb.create_database(),
                                     rabbit_url, hosts)
    compute_storm.start(cloud)
    try:
        storm = compute_storm.Storm(cloud, figures.size('servers'),
                                    figures.size('concurrency')).start()
        storm.requested.wait(120)
        down_at = time.time()
        suite_rabbit.stop()   # the node's data (vhosts, users) stays
        time.sleep(figures.size('outage'))
        suite_rabbit.start()
        back_at = time.time()
        recover_s = compute_storm.wait_recovered(cloud, compute_storm.expected_services(cloud))
        storm.wait()
        found = compute_storm.settle(cloud, figures.size('settle'))
        counts, stuck, faultless = compute_storm.outcome(found)
        fig = storm.tally.figures(
            'broker-outage', stuck=len(stuck), recover_s=recover_s,
            detail='outage %.0fs; servers %s; faults %s' % (
                back_at - down_at, counts, compute_storm.fault_reasons(found)))
        figures.report(fig)
        assert not storm.tally.bad, storm.tally.bad
        assert storm.tally.lost == 0
        assert not stuck, 'servers still building: %s' % stuck
        assert not faultless, 'ERROR servers without a fault: %s' % faultless
        assert len(found) >= len(storm.accepted)
        assert recover_s is not None, 'the cloud did not recover:\n%s' % (
            cloud.daemons.log_tails())
    finally:
        cloud.stop()
