#!/usr/bin/env python3
"""Object store benchmark: our cluster next to upstream Swift, same run.

Two clusters on 127.0.0.1, both up at once, each with the same ring layout
(part power 6, 3 replicas, four devices d1..d4 in zones 1..4 as directories
under a scratch root; account, container and object servers of node ``a``
serve d1+d2, those of node ``b`` d3+d4; one proxy, one worker per process):

* ours: the real ``alto-identity-api`` (SQLite) and the daemons started the
  way ``tests/functional/objectstore/fixtures.py`` starts them, with fsync on
  (as Swift always does); requests carry a Keystone token (validated by
  keystonemiddleware with its in-process cache), without the fixture's
  ``alto-objectstore-updater`` (upstream runs no background daemon here either);
* upstream: OpenStack Swift installed from PyPI into a venv of its own
  (``--swift-venv``), its own proxy (catch_errors, gatekeeper, cache on a
  private memcached, tempauth) and servers, rings made by its own
  ``swift-ring-builder``.

Every test runs on one cluster and then the other, back to back, with the
same client (threads over keep-alive ``http.client`` connections):

* PUT then GET throughput of 1 MiB and of 64 MiB objects at concurrency 16;
* PUT then GET ops/s of 4 KiB objects at concurrency 16;
* each proxy's RSS (process tree), sampled every 0.1 s while one 1 GiB object
  is streamed in (chunked) and out.

Requirements (besides the project's venv): ``apt-get install memcached`` and
upstream Swift in its own venv:

    python3 -m venv /var/tmp/swift-venv && /var/tmp/swift-venv/bin/pip install swift
    python tools/bench/objectstore.py [--swift-venv /var/tmp/swift-venv]
        [--mib-objects 64] [--big-objects 8] [--small-objects 400] [--stream-mib 1024]
        [--rounds 4] [--cpu] [--ours-storage KEY=VALUE]

``--rounds N`` repeats the throughput tests N times, the clusters taking turns
at going first, and prints each figure's median (the machine is shared and
noisy: one round is not a measurement).  Our daemons log at the level the
upstream ones are given (WARNING: no line per request).

RabbitMQ is not needed.  The defaults took 8 minutes on the 2-core
development machine at load average 10-18; scale the counts up for steadier figures.
"""

import argparse
import concurrent.futures
import http.client
import os
import pathlib
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from common import log as common_log  # noqa: E402
from tests.functional import harness  # noqa: E402
from tests.functional.identity import fixtures as identity_fixtures  # noqa: E402
from tests.functional.objectstore import fixtures as os_fixtures  # noqa: E402

MiB = 1 << 20
PART_POWER, REPLICAS = 6, 3
NODES = os_fixtures.NODES          # {'a': (('d1', 1), ('d2', 2)), 'b': ...}
SERVERS = os_fixtures.SERVERS      # account, container, object
CHUNK = 64 * 1024
#: daemons whose access lines (``<name>.wsgi`` at INFO) the bench turns off
QUIET_DAEMONS = ('alto-objectstore-proxy', 'alto-account-server', 'alto-container-server',
                 'alto-object-server')


def process_cpu_s(pid):
    """User + system CPU seconds of ``pid`` and its descendants."""
    tick = os.sysconf('SC_CLK_TCK')
    total, pids = 0.0, [pid]
    while pids:
        pid = pids.pop()
        try:
            with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
                pids += [int(child) for child in f.read().split()]
            with open('/proc/%d/stat' % pid) as f:
                fields = f.read().rpartition(')')[2].split()
            total += (int(fields[11]) + int(fields[12])) / tick   # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total


def cpu_by_daemon(cluster):
    """{daemon name: CPU seconds so far} of one cluster (the identity service
    counts with ours: it validates our tokens)."""
    daemons = list(cluster.daemons)
    if getattr(cluster, 'identity', None) is not None:
        daemons += list(cluster.identity.daemons)
    return {d.name: process_cpu_s(d.pid) for d in daemons if d.process is not None}


def process_rss_kib(pid):
    """RSS of ``pid`` and its descendants (a proxy's worker processes)."""
    total, pids = 0, [pid]
    while pids:
        pid = pids.pop()
        try:
            with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
                pids += [int(child) for child in f.read().split()]
            with open('/proc/%d/status' % pid) as status:
                total += next(int(line.split()[1]) for line in status
                              if line.startswith('VmRSS:'))
        except (OSError, StopIteration):
            pass
    return total


# -- our cluster ---------------------------------------------------------------
class Ours(os_fixtures.ObjectStore):
    name = 'altostratus'
    updaters = False     # no background daemon on either side
    #: ``[storage]`` options given with ``--ours-storage KEY=VALUE``
    storage_options = ()

    def write_config(self):
        super().write_config()
        extra = ''.join('%s\n' % option for option in self.storage_options)
        for node in NODES:   # fsync on, as upstream's object server always does
            path = self.node_config(node)
            path.write_text(path.read_text().replace('fsync = false',
                                                     'fsync = true\n' + extra.rstrip('\n')))
        # the same log level as upstream's daemons here (WARNING): no line per request
        levels = common_log.default_log_levels() + [
            '%s.wsgi=WARN' % name for name in QUIET_DAEMONS]
        text = self.config_file.read_text()
        self.config_file.write_text(text.replace(
            '[DEFAULT]\n', '[DEFAULT]\ndefault_log_levels = %s\n' % ','.join(levels), 1))

    def up(self):
        self.register()
        self.write_config()
        self.build_rings()
        self.start()
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'demo-user', 'domain': {'id': 'default'},
            'password': os_fixtures.USER_PASSWORD}}},
            'scope': {'project': {'id': self.projects['demo']}}}}
        import requests
        resp = requests.post(self.identity.url + '/auth/tokens', json=body, timeout=30)
        resp.raise_for_status()
        self.token = resp.headers['X-Subject-Token']
        self.storage_url = '%s/v1/%s' % (self.url, self.account('demo'))

    def proxy_pid(self):
        return self.daemons['proxy'].pid


# -- upstream Swift --------------------------------------------------------------
class Upstream:
    name = 'swift'

    def __init__(self, workdir, venv):
        self.workdir = pathlib.Path(workdir)
        self.bin = pathlib.Path(venv) / 'bin'
        if not (self.bin / 'swift-proxy-server').exists():
            raise SystemExit('no upstream Swift in %s (see the header of this script)' % venv)
        if not shutil.which('memcached'):
            raise SystemExit('memcached is needed by the upstream proxy (apt-get install '
                             'memcached)')
        self.port = harness.free_port()
        self.memcached_port = harness.free_port()
        self.ports = {(node, server): harness.free_port() for node in NODES
                      for server in SERVERS}
        self.daemons = harness.Daemons()
        # every server's swift_dir is the scratch directory: swift.conf and
        # the rings are read from there, nothing under /etc/swift is touched
        self.swift_conf = self.workdir / 'swift.conf'

    def write_config(self):
        self.swift_conf.write_text(
            '[swift-hash]\nswift_hash_path_suffix = %s\n'
            '[storage-policy:0]\nname = Policy-0\ndefault = yes\n' % secrets.token_hex(8))
        common = ('[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = %d\nworkers = 1\n'
                  'user = %s\nswift_dir = %s\nlog_level = WARNING\n'
                  'log_name = %s\n')
        user = os.environ.get('USER') or 'root'
        for node, devices in NODES.items():
            root = self.workdir / ('node-%s' % node)
            for device, _ in devices:
                (root / device).mkdir(parents=True, exist_ok=True)
            for server in SERVERS:
                path = self.workdir / ('%s-%s.conf' % (server, node))
                path.write_text(
                    common % (self.ports[(node, server)], user, self.workdir,
                              '%s-%s' % (server, node)) +
                    'devices = %s\nmount_check = false\n'
                    '[pipeline:main]\npipeline = %s-server\n'
                    '[app:%s-server]\nuse = egg:swift#%s\n'
                    % (root, server, server, server))
        (self.workdir / 'proxy.conf').write_text(
            common % (self.port, user, self.workdir, 'proxy') +
            '[pipeline:main]\npipeline = catch_errors gatekeeper cache tempauth proxy-server\n'
            '[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n'
            'node_timeout = 5\nconn_timeout = 0.5\n'
            '[filter:catch_errors]\nuse = egg:swift#catch_errors\n'
            '[filter:gatekeeper]\nuse = egg:swift#gatekeeper\n'
            '[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:%d\n'
            '[filter:tempauth]\nuse = egg:swift#tempauth\nuser_bench_bench = bench .admin\n'
            % self.memcached_port)

    def build_rings(self):
        for server in SERVERS:
            builder = str(self.workdir / ('%s.builder' % server))

            def ring(*args):
                subprocess.run([str(self.bin / 'swift-ring-builder'), builder] + list(args),
                               check=True, capture_output=True, cwd=self.workdir)
            ring('create', str(PART_POWER), str(REPLICAS), '1')
            for node, devices in NODES.items():
                for device, zone in devices:
                    ring('add', 'r1z%d-127.0.0.1:%d/%s' % (zone, self.ports[(node, server)],
                                                           device), '100')
            ring('rebalance')

    def up(self):
        self.write_config()
        self.build_rings()
        self.daemons.start('memcached', ['memcached', '-l', '127.0.0.1', '-p',
                                         str(self.memcached_port), '-U', '0', '-m', '64',
                                         '-u', os.environ.get('USER') or 'root'])
        for node in NODES:
            for server in SERVERS:
                name = '%s-%s' % (server, node)
                self.daemons.start(name, [self.bin / ('swift-%s-server' % server),
                                          self.workdir / ('%s.conf' % name), '--verbose'],
                                   output_file=self.workdir / ('%s.out' % name))
        self.daemons.start('proxy', [self.bin / 'swift-proxy-server',
                                     self.workdir / 'proxy.conf', '--verbose'],
                           output_file=self.workdir / 'proxy.out')
        self.daemons.wait_ready(self.authenticate, timeout=90, interval=0.3,
                                what='upstream Swift')

    def authenticate(self):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=5)
        try:
            conn.request('GET', '/auth/v1.0', headers={'X-Auth-User': 'bench:bench',
                                                       'X-Auth-Key': 'bench'})
            resp = conn.getresponse()
            resp.read()
            if resp.status // 100 != 2:
                return False
            self.token = resp.getheader('X-Auth-Token')
            self.storage_url = resp.getheader('X-Storage-Url')
        finally:
            conn.close()
        # the storage servers answer too (a HEAD on the account autocreates nothing)
        return all(harness.answers('http://127.0.0.1:%d/' % p, timeout=1, accept=(400,))
                   for p in self.ports.values())

    def proxy_pid(self):
        return self.daemons['proxy'].pid

    def stop(self):
        self.daemons.stop()


# -- the client --------------------------------------------------------------------
class Client:
    """Keep-alive connections, one per thread, to one cluster's proxy."""

    def __init__(self, cluster):
        url = urllib.parse.urlsplit(cluster.storage_url)
        self.host, self.port, self.path = url.hostname, url.port, url.path
        self.token = cluster.token
        self.local = threading.local()

    def conn(self):
        if getattr(self.local, 'conn', None) is None:
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        return self.local.conn

    def request(self, method, path, body=None, headers=None, sink=False):
        headers = dict(headers or {}, **{'X-Auth-Token': self.token})
        conn = self.conn()
        try:
            conn.request(method, self.path + path, body=body, headers=headers)
            resp = conn.getresponse()
            size = 0
            if sink:
                while True:
                    chunk = resp.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
            else:
                size = len(resp.read())
        except (OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            raise
        if resp.status // 100 != 2:
            raise RuntimeError('%s %s: %d' % (method, path, resp.status))
        return size


def run_many(jobs, concurrency):
    started = time.monotonic()
    errors = 0
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        for future in concurrent.futures.as_completed([pool.submit(j) for j in jobs]):
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 - counted and shown once
                if not errors:
                    print('  first error: %s' % exc)
                errors += 1
    return time.monotonic() - started, errors


def throughput(cluster, container, size, count, concurrency, cpu=False):
    """PUT then GET ``count`` objects of ``size`` bytes; MiB/s and ops/s
    (with ``cpu``, also each daemon's CPU seconds during the PUTs)."""
    client = Client(cluster)
    client.request('PUT', '/%s' % container)
    body = os.urandom(size)
    names = ['o-%05d' % i for i in range(count)]
    before = cpu_by_daemon(cluster) if cpu else {}
    put, put_err = run_many([lambda n=n: client.request(
        'PUT', '/%s/%s' % (container, n), body=body,
        headers={'Content-Length': str(size)}) for n in names], concurrency)
    put_cpu = {name: spent - before[name] for name, spent in cpu_by_daemon(cluster).items()
               if name in before} if cpu else {}
    got = []
    get, get_err = run_many([lambda n=n: got.append(client.request(
        'GET', '/%s/%s' % (container, n), sink=True)) for n in names], concurrency)
    wrong = sum(1 for g in got if g != size)
    return {'put_s': put, 'get_s': get, 'errors': put_err + get_err + wrong, 'put_cpu': put_cpu,
            'put_mib_s': count * size / MiB / put, 'get_mib_s': count * size / MiB / get,
            'put_ops': count / put, 'get_ops': count / get}


def stream(cluster, container, mib):
    """One ``mib`` MiB object streamed in (chunked) and out; proxy RSS samples."""
    client = Client(cluster)
    client.request('PUT', '/%s' % container)
    block = os.urandom(MiB)
    pid = cluster.proxy_pid()
    samples, done = [], threading.Event()

    def sampler():
        while not done.is_set():
            samples.append(process_rss_kib(pid))
            time.sleep(0.1)

    def body():
        for _ in range(mib):
            yield block
    before = process_rss_kib(pid)
    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        # no length given: http.client sends the generator chunked
        client.request('PUT', '/%s/big' % container, body=body())
        put = time.monotonic() - started
        put_peak = max(samples or [before])
        started = time.monotonic()
        size = client.request('GET', '/%s/big' % container, sink=True)
        get = time.monotonic() - started
    finally:
        done.set()
        thread.join()
    if size != mib * MiB:
        raise RuntimeError('%s: read back %d bytes of %d' % (cluster.name, size, mib * MiB))
    return {'before': before / 1024, 'put_peak': put_peak / 1024,
            'peak': max(samples) / 1024, 'after': process_rss_kib(pid) / 1024,
            'put_mib_s': mib / put, 'get_mib_s': mib / get}


def print_throughput(prefix, label, size, count, name, r):
    if size >= MiB:
        print('%-8s %-7s x%-4d %-11s PUT %7.1f MiB/s  GET %7.1f MiB/s  errors %d'
              % (prefix, label, count, name, r['put_mib_s'], r['get_mib_s'], r['errors']))
    else:
        print('%-8s %-7s x%-4d %-11s PUT %7.1f ops/s  GET %7.1f ops/s  errors %d'
              % (prefix, label, count, name, r['put_ops'], r['get_ops'], r['errors']))
    if r.get('put_cpu'):
        # CPU milliseconds by each daemon (0 ms ones left out) per MiB PUT, or
        # per PUT for objects under 1 MiB
        per, unit = (count * size / MiB, 'MiB') if size >= MiB else (count, 'PUT')
        spent = sorted(r['put_cpu'].items(), key=lambda item: -item[1])
        print('         CPU ms per %s: %s; total %.1f (load average %.1f)' % (
            unit, ', '.join('%s %.1f' % (n, 1000 * s / per) for n, s in spent if s > 0),
            1000 * sum(r['put_cpu'].values()) / per, os.getloadavg()[0]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--swift-venv', default='/var/tmp/swift-venv')
    parser.add_argument('--concurrency', type=int, default=16)
    parser.add_argument('--mib-objects', type=int, default=64, help='1 MiB objects per run')
    parser.add_argument('--big-objects', type=int, default=8, help='64 MiB objects per run')
    parser.add_argument('--small-objects', type=int, default=400,
                        help='4 KiB objects per run')
    parser.add_argument('--stream-mib', type=int, default=1024,
                        help='size of the streamed object (MiB; 0: skip)')
    parser.add_argument('--rounds', type=int, default=1,
                        help='repeat the throughput tests, alternating which cluster goes '
                             'first, and print the median of each figure')
    parser.add_argument('--cpu', action='store_true',
                        help="print each daemon's CPU time per MiB during the PUTs")
    parser.add_argument('--ours-storage', action='append', default=[], metavar='KEY=VALUE',
                        help="a [storage] option of our storage servers (repeatable), "
                             "e.g. keep_cache_size=1099511627776 to keep every body cached")
    parser.add_argument('--scratch', default=None, help='scratch root (default: a temp dir)')
    parser.add_argument('--keep', action='store_true', help='keep the scratch root and logs')
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)   # figures as they come, also into a file
    work = pathlib.Path(tempfile.mkdtemp(prefix='alto-bench-objectstore-', dir=args.scratch))
    identity = ours = upstream = None
    try:
        (work / 'identity').mkdir()
        (work / 'ours').mkdir()
        (work / 'swift').mkdir()
        identity = identity_fixtures.IdentityServer(
            work / 'identity', harness.free_port(),
            'sqlite:///%s/identity/identity.sqlite' % work)
        identity.prepare()
        identity.start()
        ours = Ours(work / 'ours', identity)
        ours.storage_options = [option.replace('=', ' = ', 1) for option in args.ours_storage]
        ours.up()
        upstream = Upstream(work / 'swift', args.swift_venv)
        upstream.up()
        version = subprocess.run([str(upstream.bin / 'python'), '-c',
                                  'import swift; print(swift.__version__)'],
                                 capture_output=True, text=True).stdout.strip()
        print('clusters up: altostratus (%s) and swift %s; part power %d, %d replicas, '
              '4 devices in 4 zones; concurrency %d; load average %.2f'
              % (ours.url, version, PART_POWER, REPLICAS, args.concurrency,
                 os.getloadavg()[0]))
        clusters = (ours, upstream)
        figures = {}   # (label, size, count, cluster name) -> one result per round
        for round_no in range(args.rounds):
            # interleaved: which cluster goes first alternates round by round
            order = clusters if round_no % 2 == 0 else clusters[::-1]
            for label, size, count in (('1 MiB', MiB, args.mib_objects),
                                       ('64 MiB', 64 * MiB, args.big_objects),
                                       ('4 KiB', 4096, args.small_objects)):
                if not count:
                    continue
                for cluster in order:
                    r = throughput(cluster, 'bench-%d-%d' % (size, round_no), size, count,
                                   args.concurrency, cpu=args.cpu)
                    figures.setdefault((label, size, count, cluster.name), []).append(r)
                    print_throughput('round %d' % (round_no + 1), label, size, count,
                                     cluster.name, r)
        if args.rounds > 1:
            print('medians of %d rounds:' % args.rounds)
            for (label, size, count, name), results in figures.items():
                print_throughput('median', label, size, count, name, {
                    key: statistics.median(r[key] for r in results)
                    for key in ('put_mib_s', 'get_mib_s', 'put_ops', 'get_ops')
                } | {'errors': sum(r['errors'] for r in results)})
        if args.stream_mib:
            for cluster in clusters:
                r = stream(cluster, 'bench-stream', args.stream_mib)
                print('%d MiB streamed, %-11s proxy RSS: %.1f MiB before, peak %.1f during '
                      'PUT, peak %.1f during PUT+GET, %.1f after  (PUT %.1f MiB/s, GET %.1f '
                      'MiB/s)' % (args.stream_mib, cluster.name, r['before'], r['put_peak'],
                                  r['peak'], r['after'], r['put_mib_s'], r['get_mib_s']))
        print('load average: %.2f %.2f %.2f' % os.getloadavg())
    finally:
        for cluster in (upstream, ours, identity):
            if cluster is not None:
                cluster.stop()
        if args.keep:
            print('scratch root and logs in %s' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
