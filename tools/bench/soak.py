"""Compute soak: a bounded mixed workload for a while, daemon memory each minute.

Starts the compute daemons as processes (fake hypervisor, noauth, the
file-backed image/network fakes) over RabbitMQ (a private vhost) with a
throw-away MariaDB database, then for ``--minutes`` (default 30) runs
``--workers`` clients that each boot a server, wait for it, list, show,
stop and start it and delete it, never holding more than ``--max-servers``
at once.  Every minute it prints the RSS of each daemon (its workers
included); at the end, each daemon's growth from the first to the last
sample and the request counts by status.

Usage: .venv/bin/python tools/bench/soak.py [--minutes 30] [--workers 4]
"""

import argparse
import pathlib
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.faults import client  # noqa: E402
from tests.functional import databases  # noqa: E402
from tests.functional.compute import fixtures  # noqa: E402

ADMIN = {'project': 'admin', 'roles': 'admin,member,reader'}


class Workload:
    def __init__(self, cloud, max_servers):
        self.cloud = cloud
        self.slots = threading.BoundedSemaphore(max_servers)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.codes = {}
        self.cycles = 0

    def call(self, method, path, body=None):
        answer = client.send(method, self.cloud.url + path, body,
                             headers=client.noauth_headers('soak'), timeout=120)
        with self.lock:
            key = answer.status if answer is not None else 'lost'
            self.codes[key] = self.codes.get(key, 0) + 1
        return answer

    def wait_status(self, server_id, wanted, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline and not self.stop.is_set():
            answer = self.call('GET', '/servers/%s' % server_id)
            if answer is not None and answer.status == 200:
                status = answer.json()['server']['status']
                if status in wanted:
                    return status
            time.sleep(0.5)
        return None

    def cycle(self, index):
        with self.slots:
            answer = self.call('POST', '/servers', {'server': {
                'name': 'soak-%d' % index, 'imageRef': fixtures.IMAGE_ID,
                'flavorRef': 'nano', 'networks': 'auto'}})
            if answer is None or answer.status != 202:
                time.sleep(1)
                return
            server_id = answer.json()['server']['id']
            if self.wait_status(server_id, ('ACTIVE', 'ERROR')) == 'ACTIVE':
                self.call('GET', '/servers/detail')
                self.call('POST', '/servers/%s/action' % server_id, {'os-stop': None})
                if self.wait_status(server_id, ('SHUTOFF',)):
                    self.call('POST', '/servers/%s/action' % server_id, {'os-start': None})
                    self.wait_status(server_id, ('ACTIVE',))
            self.call('DELETE', '/servers/%s' % server_id)
            with self.lock:
                self.cycles += 1

    def worker(self, first):
        index = first
        while not self.stop.is_set():
            self.cycle(index)
            index += 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--minutes', type=float, default=30)
    parser.add_argument('--workers', type=int, default=4)
    parser.add_argument('--max-servers', type=int, default=20)
    parser.add_argument('--computes', type=int, default=2)
    args = parser.parse_args()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-soak-'))
    with databases.scratch_database('mariadb', 'alto_soak') as connection:
        cloud = fixtures.ComputeCloud(workdir, connection, hosts=[
            'soak-%d' % i for i in range(args.computes)], extra={
            'quota': {'instances': -1, 'cores': -1, 'ram': -1}})
        try:
            cloud.start()
            cloud.request('POST', '/flavors', {'flavor': {
                'name': 'm1.nano', 'ram': 64, 'vcpus': 1, 'disk': 0, 'id': 'nano'}}, **ADMIN)
            work = Workload(cloud, args.max_servers)
            threads = [threading.Thread(target=work.worker, args=(i,), daemon=True)
                       for i in range(args.workers)]
            for thread in threads:
                thread.start()
            samples = []
            start = time.time()
            end = start + args.minutes * 60
            while True:
                sample = cloud.rss_by_daemon_kib()
                samples.append(sample)
                print('minute %5.1f: %s; %d cycles' % (
                    (time.time() - start) / 60, ', '.join(
                        '%s %.0f MiB' % (name, kib / 1024)
                        for name, kib in sorted(sample.items())), work.cycles), flush=True)
                if time.time() >= end:
                    break
                time.sleep(max(0, min(60, end - time.time())))
            work.stop.set()
            for thread in threads:
                thread.join(180)
            first, last = samples[0], samples[-1]
            print('soak: %.0f min, %d workers, %d cycles (boot, list, stop, start, delete)'
                  % (args.minutes, args.workers, work.cycles))
            print('requests by status: %s' % ', '.join(
                '%s:%d' % item for item in sorted(work.codes.items(), key=str)))
            print('RSS growth first -> last sample: %s' % ', '.join(
                '%s %+.1f MiB' % (name, (last.get(name, 0) - kib) / 1024)
                for name, kib in sorted(first.items())))
        finally:
            cloud.stop()


if __name__ == '__main__':
    main()
