"""Scenario 3: a compute conductor SIGKILLed in the middle of a boot storm.

With a second conductor running, the storm goes on: every request is
answered and every server ends ACTIVE, or ERROR with a fault when its build
was in the killed conductor's hands.  With a single conductor, restarted:
work queued for it resumes, or fails cleanly (ERROR with a fault after
``[conductor] schedule_timeout``); nothing stays in BUILD."""

import signal
import time

import pytest

from tests.faults import compute_storm
from tests.faults import figures

pytestmark = [pytest.mark.faults, pytest.mark.scenario('conductor-kill')]


@pytest.mark.parametrize('conductors', [2, 1])
def test_conductor_killed_mid_storm(tmp_path, rabbit_url, suite_mariadb, conductors):
    hosts = ['cd%d' % i for i in range(figures.size('hosts'))]
    cloud = compute_storm.make_cloud(tmp_path / 'cloud', suite_mariadb.create_database(),
                                     rabbit_url, hosts)
    compute_storm.start(cloud)
    if conductors == 2:
        cloud._spawn('conductor2', 'alto-compute-conductor', '--config-file',
                     str(cloud.db_config_file))
    try:
        storm = compute_storm.Storm(cloud, figures.size('servers'),
                                    figures.size('concurrency')).start()
        storm.requested.wait(120)
        killed_at = time.time()
        cloud.stop_process('conductor', signal.SIGKILL)
        if conductors == 1:
            time.sleep(figures.size('outage') / 2)
            cloud._spawn('conductor', 'alto-compute-conductor', '--config-file',
                         str(cloud.db_config_file))
        restarted_s = time.time() - killed_at
        # the dead conductor's row stays down; the others must be up
        recover_s = compute_storm.wait_recovered(
            cloud, compute_storm.expected_services(cloud) - (1 if conductors == 2 else 0))
        storm.wait()
        found = compute_storm.settle(cloud, figures.size('settle'))
        counts, stuck, faultless = compute_storm.outcome(found)
        claims, placed = compute_storm.claims_and_placed(cloud)
        fig = storm.tally.figures(
            'conductor-kill-%d' % conductors, stuck=len(stuck) + abs(claims - placed),
            recover_s=recover_s,
            detail='%s; servers %s; claims %d for %d placed; faults %s' % (
                'second conductor running' if conductors == 2 else
                'restarted after %.0fs' % restarted_s, counts, claims, placed,
                compute_storm.fault_reasons(found)))
        figures.report(fig)
        assert not storm.tally.bad, storm.tally.bad
        assert storm.tally.lost == 0
        assert not stuck and not faultless, (stuck, faultless)
        assert claims == placed
        assert recover_s is not None, cloud.daemons.log_tails()
    finally:
        cloud.stop()
