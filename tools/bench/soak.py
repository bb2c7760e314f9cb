"""Compute soak: a bounded mixed workload for a while, daemon memory each minute.

Starts the compute daemons as processes (fake hypervisor, noauth, the
file-backed image/network fakes) over RabbitMQ (a private vhost) with a
throw-away MariaDB database, then for ``--minutes`` (default 30) runs
``--workers`` clients that each boot a server, wait for it, list, show,
stop and start it and delete it, never holding more than ``--max-servers``
at once, starting at most ``--rate`` cycles a minute (0: as fast as the
workers go).  Every minute it prints the RSS of each daemon (its workers
included); at the end, each daemon's growth from the first sample after
the warm-up (``--warmup-minutes``, default 1: caches and connection pools
filling are not a leak) to the last, the request counts by status, the
p50/p99 latency of each kind of call, and what went wrong: answers 5xx or
none, servers that went ERROR or did not reach the status waited for,
servers left behind.

The fault suite runs the same soak, shorter (``tests/faults/test_soak.py``),
through :func:`run`.

Usage: .venv/bin/python tools/bench/soak.py [--minutes 30] [--workers 4] [--rate 0]
"""

import argparse
import dataclasses
import pathlib
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.faults import client  # noqa: E402
from tests.functional.compute import fixtures  # noqa: E402

ADMIN = {'project': 'admin', 'roles': 'admin,member,reader'}
PROJECT = 'soak'
#: what the workload waits for a server to reach before it calls it stuck
WAIT_S = 120


def percentile(values, fraction):
    """The value ``fraction`` of the way up ``values`` (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


class Pacer:
    """Hands out start times ``60 / rate`` seconds apart (rate 0: at once)."""

    def __init__(self, per_minute):
        self.gap = 60.0 / per_minute if per_minute else 0.0
        self.lock = threading.Lock()
        self.next_at = time.time()

    def wait(self, stop):
        with self.lock:
            at = max(time.time(), self.next_at)
            self.next_at = at + self.gap
        stop.wait(max(0.0, at - time.time()))


class Workload:
    def __init__(self, cloud, max_servers, rate=0):
        self.cloud = cloud
        self.slots = threading.BoundedSemaphore(max_servers)
        self.pacer = Pacer(rate)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.codes = {}
        self.latencies = {}   # call name -> [seconds]
        self.failures = []    # what went wrong, one line each
        self.cycles = 0

    def call(self, name, method, path, body=None):
        started = time.time()
        answer = client.send(method, self.cloud.url + path, body,
                             headers=client.noauth_headers(PROJECT), timeout=120)
        took = time.time() - started
        with self.lock:
            key = answer.status if answer is not None else 'lost'
            self.codes[key] = self.codes.get(key, 0) + 1
            self.latencies.setdefault(name, []).append(took)
            if answer is None or answer.status >= 500:
                self.failures.append('%s -> %s' % (name, key))
        return answer

    def fail(self, what):
        with self.lock:
            self.failures.append(what)

    def wait_status(self, server_id, wanted, timeout=WAIT_S):
        """The status reached, or None (stopped, or waited ``timeout``: a
        failure unless the soak is stopping)."""
        deadline = time.time() + timeout
        status = None
        while time.time() < deadline and not self.stop.is_set():
            answer = self.call('GET /servers/{id}', 'GET', '/servers/%s' % server_id)
            if answer is not None and answer.status == 200:
                status = answer.json()['server']['status']
                if status in wanted:
                    return status
                if status == 'ERROR':
                    self.fail('server %s went ERROR waiting for %s' % (server_id, wanted[0]))
                    return None
            time.sleep(0.5)
        if not self.stop.is_set():
            self.fail('server %s still %s after %ds (waiting for %s)'
                      % (server_id, status, timeout, wanted[0]))
        return None

    def cycle(self, index):
        with self.slots:
            answer = self.call('POST /servers', 'POST', '/servers', {'server': {
                'name': 'soak-%d' % index, 'imageRef': fixtures.IMAGE_ID,
                'flavorRef': 'nano', 'networks': 'auto'}})
            if answer is None or answer.status != 202:
                if answer is not None and answer.status < 500:
                    self.fail('POST /servers -> %d %s' % (answer.status, answer.text[:120]))
                self.stop.wait(1)
                return
            server_id = answer.json()['server']['id']
            action = '/servers/%s/action' % server_id
            if self.wait_status(server_id, ('ACTIVE',)) == 'ACTIVE':
                self.call('GET /servers/detail', 'GET', '/servers/detail')
                self.call('POST os-stop', 'POST', action, {'os-stop': None})
                if self.wait_status(server_id, ('SHUTOFF',)):
                    self.call('POST os-start', 'POST', action, {'os-start': None})
                    self.wait_status(server_id, ('ACTIVE',))
            self.call('DELETE /servers/{id}', 'DELETE', '/servers/%s' % server_id)
            with self.lock:
                self.cycles += 1

    def worker(self, first):
        index = first
        while not self.stop.is_set():
            self.pacer.wait(self.stop)
            if self.stop.is_set():
                break
            self.cycle(index)
            index += 1000

    def servers_left(self, timeout=WAIT_S):
        """The project's servers still listed ``timeout`` s after the last
        delete (deletes finish in the background)."""
        deadline = time.time() + timeout
        while True:
            answer = client.send('GET', self.cloud.url + '/servers/detail',
                                 headers=client.noauth_headers(PROJECT), timeout=60)
            left = ([(s['id'], s['status']) for s in answer.json()['servers']]
                    if answer is not None and answer.status == 200 else None)
            if left == [] or time.time() >= deadline:
                return left
            time.sleep(1)


@dataclasses.dataclass
class Result:
    minutes: float
    workers: int
    rate: float
    cycles: int
    requests: int
    codes: dict
    latencies: dict
    failures: list
    left: list           # servers still listed at the end (None: the listing failed)
    samples: list        # [(seconds since the start, {daemon: RSS KiB})]
    warmup_s: float

    def baseline(self):
        """The first sample taken after the warm-up (the first if none was)."""
        return next((s for s in self.samples if s[0] >= self.warmup_s), self.samples[0])

    def growth_kib(self):
        """``{daemon: KiB}`` from the baseline sample to the last one."""
        base, last = self.baseline()[1], self.samples[-1][1]
        return {name: last.get(name, 0) - kib for name, kib in base.items()}

    def latency_line(self):
        return ', '.join('%s p50 %.2f p99 %.2f s (n=%d)' % (
            name, percentile(v, 0.5), percentile(v, 0.99), len(v))
            for name, v in sorted(self.latencies.items()))

    def growth_line(self):
        return ', '.join('%s %+.1f' % (name, kib / 1024)
                         for name, kib in sorted(self.growth_kib().items()))


def sample_line(elapsed, sample, cycles):
    return 'minute %5.1f: %s; %d cycles' % (elapsed / 60, ', '.join(
        '%s %.0f MiB' % (name, kib / 1024) for name, kib in sorted(sample.items())), cycles)


def prepare(cloud):
    """Start ``cloud`` and give it the soak's flavor."""
    cloud.start()
    cloud.request('POST', '/flavors', {'flavor': {
        'name': 'm1.nano', 'ram': 64, 'vcpus': 1, 'disk': 0, 'id': 'nano'}}, **ADMIN)
    return cloud


def run(cloud, minutes, workers=4, max_servers=20, rate=0, sample_s=60, warmup_s=60,
        log=print):
    """Soak a started ``cloud`` (see :func:`prepare`) for ``minutes``; RSS
    sampled every ``sample_s``.  Returns a :class:`Result` once every
    worker is done and the servers are gone (or waited for)."""
    work = Workload(cloud, max_servers, rate)
    threads = [threading.Thread(target=work.worker, args=(i,), daemon=True)
               for i in range(workers)]
    start = time.time()
    end = start + minutes * 60
    for thread in threads:
        thread.start()
    samples = []
    while True:
        sample = cloud.rss_by_daemon_kib()
        samples.append((time.time() - start, sample))
        log(sample_line(samples[-1][0], sample, work.cycles))
        if time.time() >= end:
            break
        time.sleep(max(0, min(sample_s, end - time.time())))
    work.stop.set()
    for thread in threads:
        thread.join(WAIT_S + 60)
    if any(thread.is_alive() for thread in threads):
        work.fail('a worker still busy %ds after the end' % (WAIT_S + 60))
    left = work.servers_left()
    return Result(minutes, workers, rate, work.cycles, sum(work.codes.values()),
                  dict(work.codes), {k: list(v) for k, v in work.latencies.items()},
                  list(work.failures), left, samples, warmup_s)


def report(result, log=print):
    log('soak: %.1f min, %d workers, rate %s, %d cycles (boot, list, stop, start, delete)'
        % (result.minutes, result.workers, result.rate or 'free', result.cycles))
    log('requests by status: %s' % ', '.join(
        '%s:%d' % item for item in sorted(result.codes.items(), key=str)))
    log('latency: %s' % result.latency_line())
    log('RSS growth (MiB) from minute %.1f to minute %.1f: %s' % (
        result.baseline()[0] / 60, result.samples[-1][0] / 60, result.growth_line()))
    log('failures: %d%s; servers left: %s' % (
        len(result.failures), ''.join('\n  %s' % f for f in result.failures[:20]),
        result.left))


def main():
    from tests.functional import databases

    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--minutes', type=float, default=30)
    parser.add_argument('--workers', type=int, default=4)
    parser.add_argument('--max-servers', type=int, default=20)
    parser.add_argument('--rate', type=float, default=0,
                        help='cycles started per minute, all workers together (0: no pacing)')
    parser.add_argument('--computes', type=int, default=2)
    parser.add_argument('--warmup-minutes', type=float, default=1)
    args = parser.parse_args()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-soak-'))
    with databases.scratch_database('mariadb', 'alto_soak') as connection:
        cloud = fixtures.ComputeCloud(workdir, connection, hosts=[
            'soak-%d' % i for i in range(args.computes)], extra={
            'quota': {'instances': -1, 'cores': -1, 'ram': -1}})
        try:
            prepare(cloud)
            result = run(cloud, args.minutes, args.workers, args.max_servers, args.rate,
                         warmup_s=args.warmup_minutes * 60)
            report(result)
        finally:
            cloud.stop()


if __name__ == '__main__':
    main()
