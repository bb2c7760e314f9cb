#!/usr/bin/env python3
"""Volume benchmark: create -> available, one at a time and fifty at once.

Starts the real volume daemons the way ``tests/functional/volume`` does
(conductor, scheduler, API, backup and one ``alto-volume`` with the file
backend, over the local RabbitMQ in a private vhost) behind the real
identity service (SQLite), with the volume database on SQLite (default) or
a scratch MariaDB database (``--mariadb``), then:

1. ``--sequential`` blank volumes of ``--size`` GiB, one after the other: the
   time from ``POST /v3/{project}/volumes`` to the volume's ``available``
   status read back from the API (polled every 20 ms); p50, p90, max;
2. ``--concurrent`` blank volumes created at once (one thread per request):
   the time until every one is ``available``, and how many ended in error.

The services report every ``--report-interval`` seconds and count as down
after ``--service-down-time`` (the shipped defaults, 10 and 60; the
functional tests use 1 and 6, which a loaded machine can miss under fifty
creates: the scheduler then finds no live backend and the volumes go to
``error``).  Every volume is deleted at the end of its phase.  Needs RabbitMQ on
127.0.0.1:5672 (guest/guest) and, with ``--mariadb``, MariaDB as in
tests/functional/databases.py.

    python tools/bench/volume.py [--sequential 20] [--concurrent 50] [--size 1] [--mariadb]
        [--report-interval 10] [--service-down-time 60]
"""

import argparse
import concurrent.futures
import contextlib
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.functional import databases  # noqa: E402
from tests.functional import harness  # noqa: E402
from tests.functional.identity import fixtures as identity_fixtures  # noqa: E402
from tests.functional.volume import fixtures as volume_fixtures  # noqa: E402

POLL = 0.02
STABLE = ('available', 'error')


class Bench:
    def __init__(self, cloud):
        self.cloud = cloud
        self.token, self.project = cloud.token()

    def call(self, method, path, body=None, expect=None):
        return self.cloud.request(method, '/%s%s' % (self.project, path), body=body,
                                  token=self.token, expect=expect)

    def create(self, size, name):
        return self.call('POST', '/volumes', {'volume': {'size': size, 'name': name}},
                         expect=202)['volume']['id']

    def status(self, volume_id):
        return self.call('GET', '/volumes/%s' % volume_id, expect=200)['volume']['status']

    def statuses(self, prefix):
        body = self.call('GET', '/volumes/detail?limit=1000', expect=200)
        return {v['id']: v['status'] for v in body['volumes']
                if v['name'].startswith(prefix)}

    def delete_all(self, ids, timeout=120):
        for volume_id in ids:
            self.call('DELETE', '/volumes/%s' % volume_id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            left = [v for v in ids if self.call('GET', '/volumes/%s' % v)[0] != 404]
            if not left:
                return
            time.sleep(0.2)
        raise SystemExit('volumes not deleted: %s' % left)


def sequential(bench, count, size):
    samples, ids = [], []
    for i in range(count):
        started = time.monotonic()
        volume_id = bench.create(size, 'bench-seq-%03d' % i)
        ids.append(volume_id)
        while True:
            status = bench.status(volume_id)
            if status in STABLE:
                break
            if time.monotonic() - started > 120:
                raise SystemExit('volume %s stayed %s' % (volume_id, status))
            time.sleep(POLL)
        if status != 'available':
            raise SystemExit('volume %s ended in %s' % (volume_id, status))
        samples.append(time.monotonic() - started)
    bench.delete_all(ids)
    ordered = sorted(samples)
    print('create -> available, %d GiB blank, one at a time: p50 %.0f ms, p90 %.0f ms, '
          'max %.0f ms (n=%d)' % (size, statistics.median(ordered) * 1000,
                                  ordered[max(int(len(ordered) * 0.9) - 1, 0)] * 1000,
                                  ordered[-1] * 1000, len(ordered)))


def concurrent_creates(bench, count, size, timeout):
    prefix = 'bench-conc-'
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        ids = list(pool.map(lambda i: bench.create(size, '%s%03d' % (prefix, i)),
                            range(count)))
    accepted = time.monotonic() - started
    while True:
        statuses = {v: s for v, s in bench.statuses(prefix).items() if v in ids}
        if len(statuses) == count and all(s in STABLE for s in statuses.values()):
            break
        if time.monotonic() - started > timeout:
            break
        time.sleep(0.1)
    took = time.monotonic() - started
    counts = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    print('%d x %d GiB blank created at once: all %d requests accepted in %.2f s; after '
          '%.2f s: %s' % (count, size, count, accepted, took,
                          ', '.join('%d %s' % (n, s) for s, n in sorted(counts.items()))))
    bench.delete_all(ids)
    return counts


@contextlib.contextmanager
def volume_database(mariadb, workdir):
    if mariadb:
        with databases.scratch_database('mariadb', 'alto_bench_volume') as url:
            yield url
    else:
        yield 'sqlite:///%s/volume.sqlite' % workdir


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sequential', type=int, default=20)
    parser.add_argument('--concurrent', type=int, default=50)
    parser.add_argument('--size', type=int, default=1, help='GiB per volume')
    parser.add_argument('--mariadb', action='store_true')
    parser.add_argument('--timeout', type=float, default=300,
                        help='seconds allowed for the concurrent phase')
    parser.add_argument('--report-interval', type=int, default=10,
                        help='[service] report_interval and [volume] capacity_report_interval')
    parser.add_argument('--service-down-time', type=int, default=60)
    parser.add_argument('--keep', action='store_true', help='keep the logs (printed path)')
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)   # figures as they come, also into a file
    work = pathlib.Path(tempfile.mkdtemp(prefix='alto-bench-volume-'))
    identity = cloud = None
    try:
        (work / 'identity').mkdir()
        (work / 'volume').mkdir()
        identity = identity_fixtures.IdentityServer(
            work / 'identity', harness.free_port(),
            'sqlite:///%s/identity/identity.sqlite' % work)
        identity.prepare()
        identity.start()
        with volume_database(args.mariadb, work / 'volume') as url:
            cloud = volume_fixtures.VolumeCloud(work / 'volume', url, identity, extra={
                'service': {'report_interval': args.report_interval,
                            'service_down_time': args.service_down_time},
                'volume': {'capacity_report_interval': args.report_interval}})
            cloud.register()
            cloud.start()
            bench = Bench(cloud)
            bench.call('PUT', '/os-quota-sets/%s' % bench.project,
                       {'quota_set': {'volumes': -1, 'gigabytes': -1}}, expect=200)
            print('volume daemons up (file backend, %s, report interval %d s, service down '
                  'time %d s); load average %.2f'
                  % ('MariaDB' if args.mariadb else 'SQLite', args.report_interval,
                     args.service_down_time, os.getloadavg()[0]))
            if args.sequential:
                sequential(bench, args.sequential, args.size)
            if args.concurrent:
                concurrent_creates(bench, args.concurrent, args.size, args.timeout)
            print('load average: %.2f %.2f %.2f' % os.getloadavg())
            cloud.stop()
            cloud = None
    finally:
        if cloud is not None:
            cloud.stop()
        if identity is not None:
            identity.stop()
        if args.keep:
            print('logs in %s' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
