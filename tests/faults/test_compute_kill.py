"""Scenario 4: a compute daemon SIGKILLed in the middle of its builds.

Its building servers go to ERROR (with a fault) within two
``service_down_time`` intervals, the other host's builds finish, and the
restarted daemon reconciles: it reports up, its servers' states hold, and
new servers boot."""

import signal
import time

import pytest

from tests.faults import compute_storm
from tests.faults import figures

pytestmark = [pytest.mark.faults, pytest.mark.scenario('compute-kill')]

# Slow builds, so the kill finds some in progress (fake driver's spawn delay).
SLOW_SPAWN = {'compute': {'fake_spawn_delay': 3000}}   # ms


def test_compute_killed_mid_build(tmp_path, rabbit_url, suite_mariadb):
    hosts = ['ck%d' % i for i in range(figures.size('hosts'))]
    cloud = compute_storm.make_cloud(tmp_path / 'cloud', suite_mariadb.create_database(),
                                     rabbit_url, hosts, extra=SLOW_SPAWN)
    compute_storm.start(cloud)
    victim = hosts[0]
    try:
        storm = compute_storm.Storm(cloud, figures.size('servers'),
                                    figures.size('concurrency')).start()
        building = _wait_building_on(cloud, victim, timeout=120)
        cloud.stop_process('compute-%s' % victim, signal.SIGKILL)
        killed_at = time.time()
        limit = 2 * cloud.service_down_time + 2 * 2   # + two watchdog ticks
        errored_s = _wait_settled_on(cloud, victim, building, killed_at, timeout=limit + 30)
        storm.wait()
        cloud.start_compute(victim)
        restarted_at = time.time()
        recover_s = compute_storm.wait_recovered(cloud, compute_storm.expected_services(cloud))
        found = compute_storm.settle(cloud, figures.size('settle'))
        counts, stuck, faultless = compute_storm.outcome(found)
        fig = storm.tally.figures(
            'compute-kill', stuck=len(stuck), recover_s=recover_s,
            detail='%d building on the killed host -> ERROR in %s s (limit %d); '
                   'servers %s; restart %.0fs after the kill; faults %s' % (
                       len(building), '-' if errored_s is None else '%.1f' % errored_s,
                       limit, counts, restarted_at - killed_at,
                       compute_storm.fault_reasons(found)))
        figures.report(fig)
        assert not storm.tally.bad, storm.tally.bad
        assert storm.tally.lost == 0
        assert errored_s is not None and errored_s <= limit, errored_s
        assert not stuck and not faultless, (stuck, faultless)
        assert recover_s is not None, cloud.daemons.log_tails()
        # Reconciled: the restarted host's servers are ERROR or running.
        mine = [s for s in found if s['OS-EXT-SRV-ATTR:host'] == victim]
        assert all(s['status'] in ('ACTIVE', 'ERROR', 'SHUTOFF') for s in mine), mine
    finally:
        cloud.stop()


def _on_host(cloud, host):
    found = compute_storm.servers(cloud) or []
    return [s for s in found if s.get('OS-EXT-SRV-ATTR:host') == host]


def _wait_building_on(cloud, host, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        building = [s['id'] for s in _on_host(cloud, host) if s['status'] == 'BUILD']
        if building:
            return building
        time.sleep(0.2)
    raise AssertionError('no build reached host %s' % host)


def _wait_settled_on(cloud, host, ids, since, timeout):
    """Seconds from ``since`` until none of ``ids`` is building any more
    (None: not within ``timeout``)."""
    while time.time() - since < timeout:
        states = {s['id']: s['status'] for s in _on_host(cloud, host)}
        if not any(states.get(i) == 'BUILD' for i in ids):
            return time.time() - since
        time.sleep(0.5)
    return None
