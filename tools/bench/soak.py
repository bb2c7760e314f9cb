"""Soak: a bounded mixed workload for a while, daemon memory each minute.

Starts the services named by ``--services`` (default all of them:
compute,network,image,identity) as processes, each with a throw-away
MariaDB database (image: the SQLite file of its fixture):

- compute: conductor, scheduler, API and ``--computes`` alto-compute
  (fake hypervisor, noauth, the file-backed image/network fakes) over
  RabbitMQ (a private vhost).  ``--workers`` clients each boot a server,
  wait for it, list, show, stop and start it and delete it, never holding
  more than ``--max-servers`` at once, starting at most ``--rate`` cycles a
  minute (default 24; 0: as fast as the workers go);
- identity, image, network: the real alto-identity-api, alto-image-api and
  alto-network-conductor + alto-network-api with keystone tokens
  (:mod:`tools.bench.soak_mix`).  ``--mix-workers`` clients for each kind
  issue and validate tokens, create/show/delete ports on a network of the
  soak's own, create/upload/download/delete small images, at most
  ``--mix-rate`` cycles a minute per kind.

for ``--minutes`` (default 30).  Every minute it prints the RSS of each
daemon (its workers included); at the end, each daemon's growth from the
first sample after the warm-up (``--warmup-minutes``, default 1: caches
and connection pools filling are not a leak) to the last, the cycles done
by kind, the request counts by status, the p50/p99 latency of each kind
of call, and what went wrong: answers 5xx or none (for tokens, ports and
images, any status but the one expected), servers that went ERROR or did
not reach the status waited for, image bytes that did not read back,
servers, ports or images left behind.  Any of those, or a daemon grown
more than ``--rss-bound-mib`` (default 16, the fault suite's full-form
bound), makes the verdict a failure and the exit status 1.

The work directory (``/tmp/alto-soak-*``: daemon configs and logs) is removed
at exit, also after a failure, Ctrl-C or SIGTERM; ``--keep-workdir`` leaves it.

The fault suite runs the same soak, shorter (``tests/faults/test_soak.py``),
through :func:`run`.

Usage: .venv/bin/python tools/bench/soak.py [--minutes 30] [--services compute,network,image,identity]
                                            [--workers 4] [--rate 24] [--mix-rate 30]
"""

import argparse
import contextlib
import dataclasses
import pathlib
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.faults import client  # noqa: E402
from tests.functional.compute import fixtures  # noqa: E402
from tools.bench import soak_mix  # noqa: E402

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


class Tally:
    """Every call of every cycle: answers by status, latency by call name,
    what went wrong (one line each), cycles done by kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes = {}
        self.latencies = {}   # call name -> [seconds]
        self.failures = []
        self.cycles = {}      # kind -> cycles done

    def call(self, name, method, url, body=None, headers=None, data=None, expect=None,
             timeout=120):
        """Send, time and count one call.  No answer or a 5xx is a failure;
        so is any status outside ``expect`` when it is given."""
        started = time.time()
        answer = client.send(method, url, body, headers=headers, timeout=timeout, data=data)
        took = time.time() - started
        with self.lock:
            key = answer.status if answer is not None else 'lost'
            self.codes[key] = self.codes.get(key, 0) + 1
            self.latencies.setdefault(name, []).append(took)
            if answer is None or answer.status >= 500:
                self.failures.append('%s -> %s' % (name, key))
            elif expect and answer.status not in expect:
                self.failures.append('%s -> %d %s' % (name, answer.status, answer.text[:120]))
        return answer

    def fail(self, what):
        with self.lock:
            self.failures.append(what)

    def cycled(self, kind):
        with self.lock:
            self.cycles[kind] = self.cycles.get(kind, 0) + 1

    def total_cycles(self):
        with self.lock:
            return sum(self.cycles.values())


class ServerCycle:
    """Boot a server, wait for it, list, stop and start it, delete it;
    at most ``max_servers`` at once over all workers."""

    def __init__(self, cloud, tally, max_servers):
        self.cloud = cloud
        self.tally = tally
        self.slots = threading.BoundedSemaphore(max_servers)
        self.stop = None

    def call(self, name, method, path, body=None):
        return self.tally.call(name, method, self.cloud.url + path, body,
                               headers=client.noauth_headers(PROJECT))

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
                    self.tally.fail('server %s went ERROR waiting for %s'
                                    % (server_id, wanted[0]))
                    return None
            time.sleep(0.5)
        if not self.stop.is_set():
            self.tally.fail('server %s still %s after %ds (waiting for %s)'
                            % (server_id, status, timeout, wanted[0]))
        return None

    def __call__(self, index, stop):
        self.stop = stop
        with self.slots:
            answer = self.call('POST /servers', 'POST', '/servers', {'server': {
                'name': 'soak-%d' % index, 'imageRef': fixtures.IMAGE_ID,
                'flavorRef': 'nano', 'networks': 'auto'}})
            if answer is None or answer.status != 202:
                if answer is not None and answer.status < 500:
                    self.tally.fail('POST /servers -> %d %s'
                                    % (answer.status, answer.text[:120]))
                stop.wait(1)
                return False
            server_id = answer.json()['server']['id']
            action = '/servers/%s/action' % server_id
            if self.wait_status(server_id, ('ACTIVE',)) == 'ACTIVE':
                self.call('GET /servers/detail', 'GET', '/servers/detail')
                self.call('POST os-stop', 'POST', action, {'os-stop': None})
                if self.wait_status(server_id, ('SHUTOFF',)):
                    self.call('POST os-start', 'POST', action, {'os-start': None})
                    self.wait_status(server_id, ('ACTIVE',))
            self.call('DELETE /servers/{id}', 'DELETE', '/servers/%s' % server_id)
            return True

    def left(self, timeout=WAIT_S):
        """The project's servers still listed ``timeout`` s after the last
        delete (deletes finish in the background), ``[(what, status)]``."""
        deadline = time.time() + timeout
        while True:
            answer = client.send('GET', self.cloud.url + '/servers/detail',
                                 headers=client.noauth_headers(PROJECT), timeout=60)
            left = ([('server %s' % s['id'], s['status']) for s in answer.json()['servers']]
                    if answer is not None and answer.status == 200 else None)
            if left == [] or time.time() >= deadline:
                return left
            time.sleep(1)


@dataclasses.dataclass
class Kind:
    """One kind of cycle and how hard to drive it."""
    cycle: object       # cycle(index, stop) -> True when it went through
    workers: int
    rate: float         # cycles started a minute, all its workers together (0: free)


class Workload:
    """Workers for each kind of cycle, each kind paced on its own."""

    def __init__(self, tally, kinds):
        self.tally = tally
        self.kinds = kinds
        self.pacers = {name: Pacer(kind.rate) for name, kind in kinds.items()}
        self.stop = threading.Event()

    def worker(self, name, first):
        kind, pacer = self.kinds[name], self.pacers[name]
        index = first
        while not self.stop.is_set():
            pacer.wait(self.stop)
            if self.stop.is_set():
                break
            try:
                done = kind.cycle(index, self.stop)
            except Exception as exc:   # a broken cycle is a failure, not a dead worker
                self.tally.fail('%s cycle %d: %r' % (name, index, exc))
                done = False
                self.stop.wait(1)
            if done:
                self.tally.cycled(name)
            index += 1000

    def threads(self):
        return [threading.Thread(target=self.worker, args=(name, i), daemon=True)
                for name, kind in self.kinds.items() for i in range(kind.workers)]


@dataclasses.dataclass
class Result:
    minutes: float
    workers: int         # server workers
    rate: float          # server cycles a minute (0: free)
    cycles: int          # every kind together
    requests: int
    codes: dict
    latencies: dict
    failures: list
    left: list           # [(what, status)] still there at the end (None: a listing failed)
    samples: list        # [(seconds since the start, {daemon: RSS KiB})]
    warmup_s: float
    kind_cycles: dict = dataclasses.field(default_factory=dict)   # kind -> cycles
    mix_rate: float = 0  # cycles a minute of each other kind

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

    def cycles_line(self):
        return ', '.join('%s %d' % item for item in sorted(self.kind_cycles.items()))

    def problems(self, bound_mib):
        """What makes the run a failure, one line each: calls or cycles that
        failed, what was left, daemons grown more than ``bound_mib``."""
        found = ['%d failures' % len(self.failures)] if self.failures else []
        if self.left is None:
            found.append('a listing at the end did not answer')
        elif self.left:
            found.append('%d left: %s' % (len(self.left), self.left[:5]))
        grown = {name: kib / 1024 for name, kib in self.growth_kib().items()
                 if kib / 1024 > bound_mib}
        if grown:
            found.append('RSS grew more than %g MiB: %s' % (bound_mib, ', '.join(
                '%s %+.1f' % item for item in sorted(grown.items()))))
        return found


def sample_line(elapsed, sample, cycles):
    return 'minute %5.1f: %s; %d cycles' % (elapsed / 60, ', '.join(
        '%s %.0f MiB' % (name, kib / 1024) for name, kib in sorted(sample.items())), cycles)


def prepare(cloud):
    """Start ``cloud`` and give it the soak's flavor."""
    cloud.start()
    cloud.request('POST', '/flavors', {'flavor': {
        'name': 'm1.nano', 'ram': 64, 'vcpus': 1, 'disk': 0, 'id': 'nano'}}, **ADMIN)
    return cloud


def rss_by_daemon_kib(cloud, mix):
    """RSS of every daemon of the compute ``cloud`` and of ``mix`` (either
    may be None), workers included."""
    sample = dict(cloud.rss_by_daemon_kib()) if cloud is not None else {}
    sample.update(mix.rss_by_daemon_kib() if mix is not None else {})
    return sample


def run(cloud, minutes, workers=4, max_servers=20, rate=0, sample_s=60, warmup_s=60,
        log=print, mix=None, mix_rate=30, mix_workers=1):
    """Soak a started compute ``cloud`` (see :func:`prepare`; None: no
    servers) and the started :class:`tools.bench.soak_mix.MixServices`
    ``mix`` (None: none) for ``minutes``; RSS sampled every ``sample_s``.
    Servers: ``workers`` clients, ``rate`` cycles a minute; each kind of
    ``mix``: ``mix_workers`` clients, ``mix_rate`` cycles a minute.
    Returns a :class:`Result` once every worker is done and what the
    cycles made is gone (or waited for)."""
    tally = Tally()
    kinds = {}
    if cloud is not None:
        servers = ServerCycle(cloud, tally, max_servers)
        kinds['servers'] = Kind(servers, workers, rate)
    if mix is not None:
        kinds.update({name: Kind(cycle, mix_workers, mix_rate)
                      for name, cycle in mix.cycles(tally).items()})
    work = Workload(tally, kinds)
    threads = work.threads()
    start = time.time()
    end = start + minutes * 60
    for thread in threads:
        thread.start()
    samples = []
    while True:
        sample = rss_by_daemon_kib(cloud, mix)
        samples.append((time.time() - start, sample))
        log(sample_line(samples[-1][0], sample, tally.total_cycles()))
        if time.time() >= end:
            break
        time.sleep(max(0, min(sample_s, end - time.time())))
    work.stop.set()
    for thread in threads:
        thread.join(WAIT_S + 60)
    if any(thread.is_alive() for thread in threads):
        tally.fail('a worker still busy %ds after the end' % (WAIT_S + 60))
    left = []
    for leftovers in ([servers.left] if cloud is not None else []) + (
            [mix.left] if mix is not None else []):
        found = leftovers()
        left = None if found is None or left is None else left + found
    with tally.lock:
        return Result(minutes, workers, rate, sum(tally.cycles.values()),
                      sum(tally.codes.values()), dict(tally.codes),
                      {k: list(v) for k, v in tally.latencies.items()},
                      list(tally.failures), left, samples, warmup_s,
                      dict(tally.cycles), mix_rate if mix is not None else 0)


def report(result, log=print):
    log('soak: %.1f min, %d server workers, rate %s, %d cycles (boot, list, stop, start, '
        'delete)' % (result.minutes, result.workers, result.rate or 'free',
                     result.kind_cycles.get('servers', 0)))
    others = {k: n for k, n in result.kind_cycles.items() if k != 'servers'}
    if others or result.mix_rate:
        log('other cycles (rate %s each): %s' % (
            result.mix_rate or 'free', ', '.join(
                '%s %d' % item for item in sorted(others.items())) or 'none'))
    log('requests by status: %s' % ', '.join(
        '%s:%d' % item for item in sorted(result.codes.items(), key=str)))
    log('latency: %s' % result.latency_line())
    log('RSS growth (MiB) from minute %.1f to minute %.1f: %s' % (
        result.baseline()[0] / 60, result.samples[-1][0] / 60, result.growth_line()))
    log('failures: %d%s; left: %s' % (
        len(result.failures), ''.join('\n  %s' % f for f in result.failures[:20]),
        result.left))


def services_arg(text):
    try:
        return soak_mix.parse_services(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))


def parser():
    parse = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parse.add_argument('--minutes', type=float, default=30)
    parse.add_argument('--services', type=services_arg, default=soak_mix.SERVICES,
                       help='what to run and drive, among %s (default: all of them): compute '
                            'cycles servers, identity tokens, network ports, image images; '
                            'network and image need identity' % ','.join(soak_mix.SERVICES))
    parse.add_argument('--workers', type=int, default=4, help='server clients')
    parse.add_argument('--max-servers', type=int, default=20)
    parse.add_argument('--rate', type=float, default=24,
                       help='server cycles started per minute, all workers together '
                            '(0: no pacing; default 24, the fault suite\'s rate: a steady '
                            'load below what a loaded two-core machine gets through)')
    parse.add_argument('--mix-workers', type=int, default=1,
                       help='clients for each of tokens, ports, images')
    parse.add_argument('--mix-rate', type=float, default=30,
                       help='token, port and image cycles started per minute, each kind '
                            '(0: no pacing)')
    parse.add_argument('--computes', type=int, default=2)
    parse.add_argument('--warmup-minutes', type=float, default=1)
    parse.add_argument('--rss-bound-mib', type=float, default=16,
                       help='growth of any daemon after the warm-up that fails the run')
    parse.add_argument('--keep-workdir', action='store_true',
                       help='leave the work directory (daemon logs and configs) behind')
    return parse


def _exit_on_sigterm(signum, frame):
    # SystemExit unwinds main()'s ExitStack: daemons stopped, work directory removed.
    sys.exit(128 + signum)


def main(argv=None):
    from tests.functional import databases

    args = parser().parse_args(argv)
    cloud = mix = None
    with contextlib.ExitStack() as stack:
        if threading.current_thread() is threading.main_thread():
            stack.callback(signal.signal, signal.SIGTERM,
                           signal.signal(signal.SIGTERM, _exit_on_sigterm))
        workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-soak-'))
        # Registered before the daemons' stops, so it runs after them (they
        # write into it): on success, failure, Ctrl-C or SIGTERM alike.
        if args.keep_workdir:
            stack.callback(print, 'work directory kept: %s' % workdir)
        else:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        if 'compute' in args.services:
            connection = stack.enter_context(databases.scratch_database('mariadb', 'alto_soak'))
            (workdir / 'compute').mkdir()
            cloud = fixtures.ComputeCloud(workdir / 'compute', connection, hosts=[
                'soak-%d' % i for i in range(args.computes)], extra={
                'quota': {'instances': -1, 'cores': -1, 'ram': -1}})
            stack.callback(cloud.stop)
            prepare(cloud)
        if 'identity' in args.services:
            mix = soak_mix.MixServices(
                workdir, args.services,
                stack.enter_context(databases.scratch_database('mariadb', 'alto_soak_id')),
                stack.enter_context(databases.scratch_database('mariadb', 'alto_soak_net'))
                if 'network' in args.services else None)
            stack.callback(mix.stop)
            mix.start()
        result = run(cloud, args.minutes, args.workers, args.max_servers, args.rate,
                     warmup_s=args.warmup_minutes * 60, mix=mix, mix_rate=args.mix_rate,
                     mix_workers=args.mix_workers)
        report(result)
    problems = result.problems(args.rss_bound_mib)
    print('verdict: %s' % ('; '.join(problems) if problems else
                           'no failure, nothing left, every daemon within %g MiB'
                           % args.rss_bound_mib))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
