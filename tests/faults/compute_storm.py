"""A compute cloud of the scenario's own and a boot storm against it.

The cloud is :class:`tests.functional.compute.fixtures.ComputeCloud` (fake
hypervisor driver, noauth, file-backed image/network fakes) pointed at the
scenario's private broker and database.  Settings that bound how long a
fault may leave work hanging are shorter than the defaults so a run stays
short; ``docs/reliability.md`` lists them with the figures.
"""

import concurrent.futures
import pathlib
import re
import threading
import time

from tests.faults import client
from tests.faults import figures
from tests.functional.compute import fixtures

UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
ADMIN = client.noauth_headers('admin', 'admin,member,reader')
PROJECT = 'faults'
#: what these runs change from the defaults (nova's 60 s RPC timeout and a
#: 600 s schedule timeout would make the run wait that long on lost work)
FAULT_SETTINGS = {'DEFAULT': {'rpc_response_timeout': 30},
                  'conductor': {},   # schedule_timeout: a size (figures.py)
                  'quota': {'instances': -1, 'cores': -1, 'ram': -1}}


def make_cloud(workdir, connection, transport_url, hosts, extra=None):
    settings = {k: dict(v) for k, v in FAULT_SETTINGS.items()}
    settings['conductor']['schedule_timeout'] = figures.size('schedule_timeout')
    for section, values in (extra or {}).items():
        settings.setdefault(section, {}).update(values)
    pathlib.Path(workdir).mkdir(parents=True, exist_ok=True)
    return fixtures.ComputeCloud(workdir, connection, hosts=hosts, extra=settings,
                                 transport_url=transport_url)


def start(cloud):
    cloud.start()
    cloud.request('POST', '/flavors', {'flavor': {'name': 'm1.nano', 'ram': 64, 'vcpus': 1,
                                                  'disk': 0, 'id': 'nano'}},
                  project='admin', roles='admin,member,reader')
    return cloud


def _get(cloud, path, headers=ADMIN, timeout=30):
    return client.send('GET', cloud.url + path, headers=headers, timeout=timeout)


def boot_body(name):
    return {'server': {'name': name, 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'nano',
                       'networks': 'auto'}}


class Storm:
    """``servers`` POST /servers from ``concurrency`` clients, in the
    background.  A client honours a 503's Retry-After and asks again (a
    real client would) until ``deadline_s``; every attempt is tallied."""

    def __init__(self, cloud, servers, concurrency, deadline_s=240, prefix='storm'):
        self.cloud = cloud
        self.servers = servers
        self.concurrency = concurrency
        self.deadline = time.time() + deadline_s
        self.prefix = prefix
        self.tally = figures.Tally()
        self.accepted = []
        self.given_up = 0
        self.requested = threading.Event()   # set when half the storm was asked for
        self._pool = None
        self._futures = []

    def _one(self, index):
        headers = client.noauth_headers(PROJECT)
        while True:
            answer = client.send('POST', self.cloud.url + '/servers',
                                 boot_body('%s-%d' % (self.prefix, index)), headers=headers)
            self.tally.record(answer, 'POST /servers')
            if index >= self.servers // 2:
                self.requested.set()
            if answer is not None and answer.status == 202:
                self.accepted.append(answer.json()['server']['id'])
                return
            if answer is None or answer.status != 503 or time.time() > self.deadline:
                self.given_up += 1
                return
            time.sleep(min(answer.retry_after(), 10))

    def start(self):
        self._pool = concurrent.futures.ThreadPoolExecutor(self.concurrency)
        self._futures = [self._pool.submit(self._one, i) for i in range(self.servers)]
        return self

    def wait(self):
        for future in self._futures:
            future.result()
        self._pool.shutdown()
        return self


def servers(cloud, project=PROJECT):
    """Every server of ``project`` (admin listing), or None without an answer."""
    answer = _get(cloud, '/servers/detail?all_tenants=1&project_id=%s' % project)
    if answer is None or answer.status != 200:
        return None
    return answer.json()['servers']


def unsettled(server):
    return server['status'] == 'BUILD' or server.get('OS-EXT-STS:task_state')


def settle(cloud, timeout, project=PROJECT):
    """Wait until no server of ``project`` is building; returns the list."""
    deadline = time.time() + timeout
    found = None
    while time.time() < deadline:
        found = servers(cloud, project)
        if found is not None and not any(unsettled(s) for s in found):
            return found
        time.sleep(1)
    return found or []


def outcome(found):
    """(counts by status, stuck servers, ERROR servers without a fault)."""
    counts = {}
    for server in found:
        counts[server['status']] = counts.get(server['status'], 0) + 1
    stuck = [s['id'] for s in found if unsettled(s)]
    faultless = [s['id'] for s in found if s['status'] == 'ERROR' and not s.get('fault')]
    return counts, stuck, faultless


def fault_reasons(found):
    """``{fault message (ids masked, first 50 characters): servers}`` of the
    ERROR servers."""
    reasons = {}
    for server in found:
        if server['status'] == 'ERROR' and server.get('fault'):
            reason = UUID.sub('<id>', server['fault'].get('message', ''))[:50]
            reasons[reason] = reasons.get(reason, 0) + 1
    return reasons


def services(cloud):
    answer = _get(cloud, '/os-services')
    if answer is None or answer.status != 200:
        return None
    return answer.json()['services']


def all_up(cloud, expected):
    found = services(cloud)
    return found is not None and len([s for s in found if s['state'] == 'up']) >= expected


def probe_boot(cloud, timeout=60):
    """True once a fresh server boots ACTIVE (the cloud works again)."""
    answer = client.send('POST', cloud.url + '/servers', boot_body('probe'),
                         headers=client.noauth_headers('probe'), timeout=60)
    if answer is None or answer.status != 202:
        return False
    server_id = answer.json()['server']['id']
    deadline = time.time() + timeout
    while time.time() < deadline:
        shown = _get(cloud, '/servers/%s' % server_id,
                     headers=client.noauth_headers('probe'))
        if shown is not None and shown.status == 200:
            status = shown.json()['server']['status']
            if status == 'ACTIVE':
                return True
            if status == 'ERROR':
                return False
        time.sleep(0.5)
    return False


def wait_recovered(cloud, expected_services, timeout=120):
    """Seconds until every service reports up and a new server boots; None
    when that does not happen in ``timeout``."""
    start = time.time()
    deadline = start + timeout
    while time.time() < deadline:
        if all_up(cloud, expected_services) and probe_boot(cloud):
            return time.time() - start
        time.sleep(1)
    return None


def expected_services(cloud):
    """conductor + scheduler + one compute per host."""
    return 2 + len(cloud.hosts)


def claims_and_placed(cloud, _found=None):
    """(servers the hosts count as running, servers of every project that
    hold a place on a host: not ERROR, with a host).  Equal when no build,
    failure or restart left a claim half-written."""
    hypervisors = _get(cloud, '/os-hypervisors/detail').json()['hypervisors']
    claims = sum(h['running_vms'] for h in hypervisors)
    every = _get(cloud, '/servers/detail?all_tenants=1').json()['servers']
    placed = len([s for s in every if s['status'] != 'ERROR' and
                  s.get('OS-EXT-SRV-ATTR:host')])
    return claims, placed
