"""Scenario 5: a port-creation storm while the network conductor restarts.

Every request gets an answer (201, or 503 with Retry-After), no address is
handed out twice, and no port is stuck: every port the API reported
created is listed with its address, and the pool's used count matches the
ports that exist."""

import concurrent.futures
import signal
import threading
import time

import pytest

from tests.faults import client
from tests.faults import figures
from tests.functional.network import fixtures as network_fixtures

pytestmark = [pytest.mark.faults, pytest.mark.scenario('network-conductor-restart')]
HEADERS = {'X-Project-Id': 'faults', 'X-User-Id': 'faults-user', 'X-Roles': 'admin,member'}
CONDUCTOR = 'alto-network-conductor'


def _call(server, tally, method, path, body=None):
    answer = client.send(method, server.url + '/v2.0' + path, body, headers=HEADERS)
    if tally is not None:
        tally.record(answer, '%s %s' % (method, path))
    return answer


def test_port_storm_across_conductor_restart(tmp_path, rabbit_url, suite_mariadb):
    server = network_fixtures.NetworkServer(tmp_path, suite_mariadb.create_database(),
                                            transport_url=rabbit_url)
    server.start()
    try:
        net = _call(server, None, 'POST', '/networks', {'network': {'name': 'faults'}})
        net_id = net.json()['network']['id']
        subnet = _call(server, None, 'POST', '/subnets', {'subnet': {
            'network_id': net_id, 'cidr': '10.77.0.0/22', 'ip_version': 4}})
        assert subnet.status == 201, subnet
        tally = figures.Tally()
        created, half = [], threading.Event()
        successes = []          # (sent at, answered at) of every 201
        total = figures.size('ports')

        def create(i):
            while True:
                sent_at = time.time()
                answer = _call(server, tally, 'POST', '/ports', {'port': {
                    'network_id': net_id, 'name': 'p%d' % i}})
                if i >= total // 3:
                    half.set()
                if answer is not None and answer.status == 503:
                    time.sleep(min(answer.retry_after(), 10))
                    continue
                if answer is not None and answer.status == 201:
                    created.append(answer.json()['port'])
                    successes.append((sent_at, time.time()))
                return

        with concurrent.futures.ThreadPoolExecutor(figures.size('concurrency')) as pool:
            futures = [pool.submit(create, i) for i in range(total)]
            half.wait(120)
            down_at = time.time()
            server.daemons.stop_one(CONDUCTOR, signal.SIGKILL)
            time.sleep(figures.size('outage') / 2)
            server._spawn(CONDUCTOR, server.db_config_file)
            back_at = time.time()
            for future in futures:
                future.result()
        # Recovered: the first port asked for after the restart is made.
        after = [done for sent, done in successes if sent >= back_at]
        recover_s = (min(after) if after else _wait_answering(server, net_id)) - back_at
        listed = _call(server, None, 'GET', '/ports?network_id=%s' % net_id).json()['ports']
        addresses = [ip['ip_address'] for p in listed for ip in p['fixed_ips']]
        duplicates = len(addresses) - len(set(addresses))
        listed_ids = {p['id'] for p in listed}
        missing = [p['id'] for p in created if p['id'] not in listed_ids]
        no_address = [p['id'] for p in listed if not p['fixed_ips']]
        used = _call(server, None, 'GET', '/network-ip-availabilities/%s' % net_id).json()[
            'network_ip_availability']['used_ips']
        stuck = duplicates + len(missing) + len(no_address) + abs(used - len(addresses))
        fig = tally.figures('network-conductor', stuck=stuck, recover_s=recover_s,
                            detail='conductor down %.0fs; %d ports created, %d listed, '
                                   '%d duplicate addresses, pool used %d' % (
                                       back_at - down_at, len(created), len(listed),
                                       duplicates, used))
        figures.report(fig)
        assert not tally.bad, tally.bad
        assert tally.lost == 0
        assert stuck == 0, (duplicates, missing, no_address, used)
        assert len(created) == total
        assert not (duplicates or missing or no_address)
    finally:
        server.stop()


def _wait_answering(server, net_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        answer = _call(server, None, 'POST', '/ports', {'port': {'network_id': net_id,
                                                                'name': 'probe'}})
        if answer is not None and answer.status == 201:
            return time.time()
        time.sleep(0.5)
    raise AssertionError('the network API did not recover:\n%s' % server.log_tail())
