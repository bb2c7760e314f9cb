"""A volume cloud of the scenario's own and a storm of volume lifecycles.

The cloud is :class:`tests.functional.volume.fixtures.VolumeCloud`'s
daemons (conductor, scheduler, API, one ``alto-volume`` with the file
backend) on the scenario's private broker and database, with noauth (the
identity headers are trusted) and no backup service.  Each lifecycle
creates a 1 GiB volume, attaches it through the v3 attachments API (create
with a connector, ``os-complete``), detaches it and deletes it; clients
honour a 503's Retry-After and ask again, as a real client would.
"""

import concurrent.futures
import signal
import threading
import time
import types
import uuid

from tests.faults import client
from tests.faults import figures
from tests.functional.volume import fixtures

PROJECT = 'faults'
HOST = 'vk0'
ADMIN = {'X-User-Id': 'admin', 'X-Project-Id': 'admin', 'X-Roles': 'admin,member,reader',
         'OpenStack-API-Version': 'volume 3.44'}
MEMBER = {'X-User-Id': 'faults-user', 'X-Project-Id': PROJECT, 'X-Roles': 'member,reader',
          'OpenStack-API-Version': 'volume 3.44'}
#: where every volume must end (with a user message when ``error``)
SETTLED = ('available', 'in-use', 'error')
CONNECTOR = {'host': 'faults-compute', 'initiator': 'iqn.2026-11.org.alto:faults',
             'platform': 'x86_64', 'os_type': 'linux', 'multipath': False}


class Cloud(fixtures.VolumeCloud):
    """The volume daemons on a given broker URL and database, noauth."""

    def __init__(self, workdir, connection, transport_url, extra=None):
        settings = {'DEFAULT': {'transport_url': transport_url, 'rpc_response_timeout': 30},
                    'api': {'auth_strategy': 'noauth'},
                    'quota': {'volumes': -1, 'gigabytes': -1}}
        for section, values in (extra or {}).items():
            settings.setdefault(section, {}).update(values)
        workdir.mkdir(parents=True, exist_ok=True)
        # the identity service is named in the config only; noauth asks it nothing
        super().__init__(workdir, connection, types.SimpleNamespace(url='http://127.0.0.1:9'),
                         hosts=(HOST,), extra=settings)
        self.api_url = '%s/%s' % (self.url, PROJECT)

    def create_vhost(self):
        pass    # the transport URL names the scenario's own vhost

    def start(self):
        self.write_config()
        self.manage('db', 'sync')
        self.start_conductor()
        self._spawn('scheduler', 'alto-volume-scheduler')
        self._spawn('api', 'alto-volume-api')
        self.start_volume(HOST)
        self.wait_ready()
        return self

    def start_conductor(self):
        self._spawn('conductor', 'alto-volume-conductor', '--config-file',
                    str(self.db_config_file))

    def wait_ready(self, timeout=90):
        self.daemons.wait_ready(lambda: self.backends_up() >= 1, timeout=timeout,
                                what='volume', log_of='api')

    def backends_up(self, binary='cinder-volume'):
        answer = self.get('/os-services?binary=%s' % binary, timeout=5)
        if answer is None or answer.status != 200:
            return 0
        return len([s for s in answer.json()['services'] if s['state'] == 'up'])

    def get(self, path, headers=ADMIN, timeout=30):
        return client.send('GET', '%s/%s%s' % (self.url, headers['X-Project-Id'], path),
                           headers=headers, timeout=timeout)

    def kill(self, name):
        self.daemons.stop_one(name, signal.SIGKILL)


class Lifecycles:
    """``count`` volume lifecycles from ``concurrency`` clients in the
    background; every request is tallied.  ``busy`` is set once the first
    lifecycles are through and the next creates are being sent: creates,
    attachments and deletes are then all in flight."""

    def __init__(self, cloud, count, concurrency, deadline_s=900, settle_s=240):
        self.cloud = cloud
        self.count = count
        self.concurrency = concurrency
        self.deadline = time.time() + deadline_s
        self.settle_s = settle_s
        self.tally = figures.Tally()
        self.created = []           # ids the API answered 202 for
        self.done = {}              # how far each lifecycle got
        self.busy = threading.Event()
        self._sent = 0
        self._pool = None
        self._futures = []

    def call(self, method, path, body=None):
        """The request, again after each 503 (its Retry-After honoured)
        until the deadline; the last answer (None: lost)."""
        while True:
            # an API call may wait out two conductor calls (2 x rpc_response_timeout)
            answer = client.send(method, self.cloud.api_url + path, body, headers=MEMBER,
                                 timeout=120)
            self.tally.record(answer, '%s %s' % (method, path.split('?')[0]))
            if answer is None or answer.status != 503 or time.time() > self.deadline:
                return answer
            time.sleep(min(answer.retry_after(), 5))

    def wait_status(self, volume_id, leave):
        """The volume's status once it is not in ``leave`` (None: gone)."""
        deadline = time.time() + self.settle_s
        status = None
        while time.time() < deadline:
            answer = self.call('GET', '/volumes/%s' % volume_id)
            if answer is not None and answer.status == 404:
                return None
            if answer is not None and answer.status == 200:
                status = answer.json()['volume']['status']
                if status not in leave:
                    return status
            time.sleep(1)
        return status

    def _one(self, index):
        answer = self.call('POST', '/volumes', {'volume': {'size': 1, 'name': 'v%d' % index}})
        self._sent += 1
        if self._sent > min(self.concurrency, self.count - 1):
            self.busy.set()
        if answer is None or answer.status != 202:
            return 'refused'
        volume_id = answer.json()['volume']['id']
        self.created.append(volume_id)
        if self.wait_status(volume_id, ('creating',)) != 'available':
            return 'create failed'
        attach = self.call('POST', '/attachments', {'attachment': {
            'volume_uuid': volume_id, 'instance_uuid': str(uuid.uuid4()),
            'connector': CONNECTOR}})
        if attach is None or attach.status != 200:
            return 'attach refused'
        attachment_id = attach.json()['attachment']['id']
        done = self.call('POST', '/attachments/%s/action' % attachment_id,
                         {'os-complete': None})
        if done is None or done.status != 204:
            return 'complete refused'
        detach = self.call('DELETE', '/attachments/%s' % attachment_id)
        if detach is None or detach.status not in (200, 404):
            return 'detach refused'
        if self.wait_status(volume_id, ('in-use', 'detaching')) != 'available':
            return 'detach failed'
        delete = self.call('DELETE', '/volumes/%s' % volume_id)
        if delete is None or delete.status not in (202, 404):
            return 'delete refused'
        if self.wait_status(volume_id, ('deleting', 'available')) is not None:
            return 'delete failed'
        return 'deleted'

    def _run(self, index):
        outcome = self._one(index)
        self.done[outcome] = self.done.get(outcome, 0) + 1

    def start(self):
        self._pool = concurrent.futures.ThreadPoolExecutor(self.concurrency)
        self._futures = [self._pool.submit(self._run, i) for i in range(self.count)]
        return self

    def wait(self):
        for future in self._futures:
            future.result()
        self._pool.shutdown()
        return self


def volumes(cloud):
    answer = cloud.get('/volumes/detail?all_tenants=1')
    return answer.json()['volumes'] if answer is not None and answer.status == 200 else None


def settle(cloud, timeout):
    """Every volume once none is in a passing state (or at ``timeout``)."""
    deadline = time.time() + timeout
    found = None
    while time.time() < deadline:
        found = volumes(cloud)
        if found is not None and all(v['status'] in SETTLED for v in found):
            return found
        time.sleep(1)
    return found or []


def unexplained_errors(cloud, found):
    """Volumes in ``error`` their project has no user message about."""
    answer = cloud.get('/messages', headers=MEMBER)
    about = {m['resource_uuid'] for m in answer.json()['messages']} if answer else set()
    return [v['id'] for v in found if v['status'] == 'error' and v['id'] not in about]


def counts(found):
    out = {}
    for volume in found:
        out[volume['status']] = out.get(volume['status'], 0) + 1
    return out


def probe_create(cloud, timeout=60):
    """True once a new volume becomes available (the service works again)."""
    answer = client.send('POST', cloud.api_url + '/volumes',
                         {'volume': {'size': 1, 'name': 'probe'}}, headers=MEMBER, timeout=30)
    if answer is None or answer.status != 202:
        return False
    volume_id = answer.json()['volume']['id']
    deadline = time.time() + timeout
    while time.time() < deadline:
        shown = cloud.get('/volumes/%s' % volume_id, headers=MEMBER)
        status = shown.json()['volume']['status'] if shown and shown.status == 200 else None
        if status == 'available':
            client.send('DELETE', cloud.api_url + '/volumes/%s' % volume_id, headers=MEMBER)
            return True
        if status == 'error':
            return False
        time.sleep(0.3)
    return False


def wait_recovered(cloud, timeout=120):
    """Seconds until the backend reports up and a new volume is made."""
    start = time.time()
    while time.time() - start < timeout:
        if cloud.backends_up() >= 1 and probe_create(cloud):
            return time.time() - start
        time.sleep(0.5)
    return None


def sizes():
    """(lifecycles, concurrency) of the run form."""
    return figures.size('volumes'), figures.size('concurrency')
