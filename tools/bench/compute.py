"""Compute boot storm and list benchmark (fake hypervisor, all daemons real).

Starts conductor, scheduler, API and N compute daemons as processes over
RabbitMQ (a private vhost) with MariaDB or SQLite, noauth and the file-backed
fake image/network clients, then:

1. boot storm: ``--servers`` servers requested by ``--concurrency`` clients,
   each POST /servers for one server; reports the time until all are ACTIVE
   and the peak total RSS of the compute daemons during the storm;
2. list: fills the cloud to ``--list-size`` servers and times
   GET /servers/detail (what ``openstack server list --long`` fetches),
   reporting p50 / p90 over ``--list-runs`` runs.

Usage: .venv/bin/python tools/bench/compute.py [--db mysql|sqlite]
"""

import argparse
import concurrent.futures
import json
import pathlib
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.functional import databases  # noqa: E402
from tests.functional.compute import fixtures  # noqa: E402

ADMIN = {'project': 'admin', 'roles': 'admin,member,reader'}


def _mysql_db():
    import pymysql
    name = 'alto_compute_bench_%s' % secrets.token_hex(4)
    conn = pymysql.connect(host='127.0.0.1', user='root', port=3306)
    with conn.cursor() as cur:
        cur.execute('CREATE DATABASE %s CHARACTER SET utf8mb4' % name)
    return conn, name


def _boot(cloud, name, count=1):
    body = {'server': {'name': name, 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'nano',
                       'networks': 'auto', 'min_count': count, 'max_count': count}}
    cloud.request('POST', '/servers', body, project='bench', expect=202)


def _statuses(cloud):
    servers = cloud.request('GET', '/servers/detail', project='bench')['servers']
    counts = {}
    for server in servers:
        counts[server['status']] = counts.get(server['status'], 0) + 1
    return counts, len(servers)


def boot_storm(cloud, servers, concurrency):
    peak_rss = [0]
    peak_by_daemon = {}
    done = threading.Event()

    def sample_rss():
        while not done.is_set():
            by_daemon = cloud.rss_by_daemon_kib()
            peak_rss[0] = max(peak_rss[0], sum(by_daemon.values()))
            for name, kib in by_daemon.items():
                peak_by_daemon[name] = max(peak_by_daemon.get(name, 0), kib)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda i: _boot(cloud, 'storm-%d' % i), range(servers)))
    requested = time.time() - start
    deadline = start + 300
    while time.time() < deadline:
        counts, total = _statuses(cloud)
        if counts.get('ACTIVE', 0) == servers:
            break
        if counts.get('ERROR'):
            raise SystemExit('servers went to ERROR: %s' % counts)
        time.sleep(0.2)
    elapsed = time.time() - start
    done.set()
    sampler.join()
    return requested, elapsed, counts, peak_rss[0], peak_by_daemon


def fill(cloud, target, batch=50):
    counts, total = _statuses(cloud)
    while total < target:
        _boot(cloud, 'fill', min(batch, target - total))
        total += min(batch, target - total)
    deadline = time.time() + 600
    while time.time() < deadline:
        counts, total = _statuses(cloud)
        if counts.get('ACTIVE', 0) >= target:
            return
        time.sleep(1)
    raise SystemExit('fill did not finish: %s' % counts)


def time_list(cloud, runs):
    timings = []
    for _ in range(runs):
        req = urllib.request.Request(cloud.url + '/servers/detail', headers={
            'X-User-Id': 'bench-user', 'X-Project-Id': 'bench', 'X-Roles': 'member,reader',
            'OpenStack-API-Version': 'compute 2.53'})
        start = time.perf_counter()
        with urllib.request.urlopen(req, timeout=60) as resp:
            body = json.loads(resp.read())
        timings.append((time.perf_counter() - start) * 1000)
    return timings, len(body['servers'])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--db', choices=['mysql', 'sqlite'], default='mysql')
    parser.add_argument('--computes', type=int, default=2)
    parser.add_argument('--conductor-workers', type=int, default=1)
    parser.add_argument('--servers', type=int, default=200)
    parser.add_argument('--concurrency', type=int, default=20)
    parser.add_argument('--list-size', type=int, default=1000)
    parser.add_argument('--list-runs', type=int, default=20)
    args = parser.parse_args()

    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-compute-bench-'))
    conn = None
    if args.db == 'mysql':
        conn, name = _mysql_db()
        connection = databases.url('mariadb', name)
    else:
        connection = 'sqlite:///%s/compute.sqlite' % workdir
    cloud = fixtures.ComputeCloud(workdir, connection, hosts=[
        'bench-%d' % i for i in range(args.computes)], extra={
        'quota': {'instances': -1, 'cores': -1, 'ram': -1},
        'compute': {'resource_report_interval': 10, 'sync_power_state_interval': 60},
        'conductor': {'workers': args.conductor_workers},
        'service': {'report_interval': 5}}, service_down_time=30)
    try:
        cloud.start()
        cloud.request('POST', '/flavors', {'flavor': {'name': 'm1.nano', 'ram': 64,
                                                      'vcpus': 1, 'disk': 0, 'id': 'nano'}},
                      **ADMIN, expect=200)
        print('compute bench: %d compute daemons, %d conductor workers, %s, fake '
              'hypervisor, RabbitMQ' % (args.computes, args.conductor_workers, args.db))
        requested, elapsed, counts, peak, peak_by_daemon = boot_storm(cloud, args.servers, args.concurrency)
        print('boot storm: %d servers at concurrency %d: requests done in %.1f s, '
              'all ACTIVE in %.1f s (%.1f servers/s)' % (
                  args.servers, args.concurrency, requested, elapsed,
                  args.servers / elapsed))
        print('peak RSS of all compute daemons during the storm: %.0f MiB' % (peak / 1024))
        print('  each daemon at its own peak: %s' % ', '.join(
            '%s %.0f MiB' % (name, kib / 1024) for name, kib in sorted(peak_by_daemon.items())))
        fill(cloud, args.list_size)
        timings, listed = time_list(cloud, args.list_runs)
        timings.sort()
        print('GET /servers/detail of %d servers (server list --long): p50 %.0f ms, '
              'p90 %.0f ms, min %.0f ms over %d runs' % (
                  listed, statistics.median(timings),
                  timings[int(len(timings) * 0.9) - 1], timings[0], len(timings)))
    finally:
        cloud.stop()
        if conn is not None:
            with conn.cursor() as cur:
                cur.execute('DROP DATABASE IF EXISTS %s' % name)
            conn.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
