"""Volume scenarios: ``alto-volume`` SIGKILLed with creates, attachments
and deletes in flight, then restarted; the volume conductor SIGKILLed in a
storm of creates, then restarted.

Afterwards (the volume conductor's clean-up of old passing states included)
no volume is left ``creating``, ``attaching``, ``reserved``,
``detaching`` or ``deleting``: each is ``available``, ``in-use`` or
``error`` with a user message (``GET /messages``), and a new volume can be
made."""

import time

import pytest

from tests.faults import figures
from tests.faults import volume_storm


#: the conductor's clean-up of passing states nobody drives any more (a volume
#: creating without a backend, an attachment whose export was cut short, a
#: delete whose host calls failed): past one rpc_response_timeout (30 s), checked
#: every 5 s (defaults 180 s and 30 s)
CLEANUP = {'volume_conductor': {'stuck_timeout': 45, 'cleanup_interval': 5}}


def _cloud(tmp_path, suite_mariadb, rabbit_url):
    return volume_storm.Cloud(tmp_path / 'volume', suite_mariadb.create_database(),
                              rabbit_url, extra=CLEANUP).start()


def _check_and_report(name, cloud, storm, recover_s, detail):
    found = volume_storm.settle(cloud, figures.size('settle'))
    stuck = [v['id'] for v in found if v['status'] not in volume_storm.SETTLED]
    silent = volume_storm.unexplained_errors(cloud, found)
    fig = storm.tally.figures(
        name, stuck=len(stuck) + len(silent), recover_s=recover_s,
        detail='%s; lifecycles %s; volumes left %s; errors without a message %d' % (
            detail, storm.done, volume_storm.counts(found), len(silent)))
    figures.report(fig)
    assert not storm.tally.bad, storm.tally.bad
    assert storm.tally.lost == 0
    assert not stuck, [v for v in found if v['id'] in stuck]
    assert not silent, silent
    assert recover_s is not None, cloud.daemons.log_tails()


@pytest.mark.faults
@pytest.mark.scenario('volume-kill')
def test_volume_host_killed_mid_operations(tmp_path, rabbit_url, suite_mariadb):
    cloud = _cloud(tmp_path, suite_mariadb, rabbit_url)
    try:
        count, concurrency = volume_storm.sizes()
        storm = volume_storm.Lifecycles(cloud, count, concurrency).start()
        assert storm.busy.wait(300)
        name = 'volume-%s' % volume_storm.HOST
        cloud.kill(name)
        killed_at = time.time()
        time.sleep(figures.size('outage'))
        cloud.start_volume(volume_storm.HOST)
        back_at = time.time()
        recover_s = volume_storm.wait_recovered(cloud)
        storm.wait()
        _check_and_report('volume-kill', cloud, storm, recover_s,
                          'alto-volume down %.0fs' % (back_at - killed_at))
    finally:
        cloud.stop()


@pytest.mark.faults
@pytest.mark.scenario('volume-conductor')
def test_volume_conductor_restarted_mid_create_storm(tmp_path, rabbit_url, suite_mariadb):
    cloud = _cloud(tmp_path, suite_mariadb, rabbit_url)
    try:
        count, concurrency = volume_storm.sizes()
        storm = volume_storm.Lifecycles(cloud, count, concurrency).start()
        assert storm.busy.wait(300)
        cloud.kill('conductor')
        down_at = time.time()
        time.sleep(figures.size('outage'))
        cloud.start_conductor()
        back_at = time.time()
        recover_s = volume_storm.wait_recovered(cloud)
        storm.wait()
        _check_and_report('volume-conductor', cloud, storm, recover_s,
                          'conductor down %.0fs' % (back_at - down_at))
    finally:
        cloud.stop()
