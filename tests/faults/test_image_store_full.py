"""Scenario 6: the image store's disk fills up during an upload.

alto-image-api (noauth, its own SQLite database) stores images on a small
tmpfs mounted for the test.  An upload larger than the room left gets a
413-class answer, leaves no partial data and no image stuck in ``saving``,
and the service keeps serving: listings and downloads answer all along and
the next upload that fits succeeds."""

import os
import subprocess
import threading
import time

import pytest

from tests.faults import client
from tests.faults import figures
from tests.functional import harness

pytestmark = [pytest.mark.faults, pytest.mark.scenario('image-store-full')]

STORE_MIB = 8
HEADERS = {'X-User-Id': 'faults-user', 'X-Project-Id': 'faults', 'X-Roles': 'member,reader'}
MIB = 1 << 20


@pytest.fixture
def small_store(tmp_path):
    if os.geteuid() != 0:
        pytest.skip('mounting a tmpfs needs root')
    store = tmp_path / 'store'
    store.mkdir()
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=%dm,mode=0750' % STORE_MIB,
                    'alto-faults-images', str(store)], check=True, capture_output=True)
    try:
        yield store
    finally:
        subprocess.run(['umount', '-l', str(store)], capture_output=True)


@pytest.fixture
def image_api(tmp_path, small_store):
    port = harness.free_port()
    conf = harness.write_ini(tmp_path / 'image.conf', {
        'DEFAULT': {'state_path': tmp_path},
        'api': {'bind_host': '127.0.0.1', 'bind_port': port, 'auth_strategy': 'noauth'},
        'database': {'connection': 'sqlite:///%s/image.sqlite' % tmp_path},
        'store': {'filesystem_datadir': small_store},
        'image': {'staging_dir': tmp_path / 'staging'},
    })
    harness.db_sync([conf], 'image')
    daemons = harness.Daemons()
    log = tmp_path / 'image-api.log'
    daemons.start('api', [harness.BIN / 'alto-image-api', '--config-file', conf,
                          '--log-file', log], log_file=log, output_file=tmp_path / 'api.err')
    url = 'http://127.0.0.1:%d' % port
    daemons.wait_ready(lambda: harness.answers(url + '/versions', timeout=1), timeout=60,
                       what='alto-image-api')
    try:
        yield url, daemons
    finally:
        daemons.stop()


def _create(url, tally, name):
    answer = client.send('POST', url + '/v2/images', {
        'name': name, 'disk_format': 'raw', 'container_format': 'bare'}, headers=HEADERS)
    tally.record(answer, 'POST /v2/images')
    assert answer is not None and answer.status == 201, answer
    return answer.json()['id']


def _upload(url, tally, image_id, size):
    answer = client.send('PUT', url + '/v2/images/%s/file' % image_id,
                         headers=dict(HEADERS, **{'Content-Type': 'application/octet-stream'}),
                         data=os.urandom(size), timeout=120)
    tally.record(answer, 'PUT file')
    return answer


class Reader(threading.Thread):
    """Lists images and downloads one, over and over, while the disk fills."""

    def __init__(self, url, tally, image_id):
        super().__init__(daemon=True)
        self.url, self.tally, self.image_id = url, tally, image_id
        self.done = threading.Event()
        self.failures = []

    def run(self):
        while not self.done.is_set():
            for path in ('/v2/images', '/v2/images/%s/file' % self.image_id):
                answer = client.send('GET', self.url + path, headers=HEADERS, timeout=60)
                self.tally.record(answer, 'GET ' + path)
                if answer is None or answer.status != 200:
                    self.failures.append((path, answer and answer.status))
            time.sleep(0.05)


def test_store_full_mid_upload(image_api, small_store):
    url, daemons = image_api
    tally = figures.Tally()
    first = _create(url, tally, 'fits')
    assert _upload(url, tally, first, 1 * MIB).status == 204
    reader = Reader(url, tally, first)
    reader.start()
    big = _create(url, tally, 'too-big')
    answer = _upload(url, tally, big, 2 * STORE_MIB * MIB)
    full_at = time.time()
    next_image = _create(url, tally, 'after')
    fits = _upload(url, tally, next_image, 1 * MIB)
    recover_s = time.time() - full_at
    time.sleep(1)
    reader.done.set()
    reader.join(60)
    shown = client.send('GET', url + '/v2/images/%s' % big, headers=HEADERS).json()
    leftovers = sorted(os.listdir(small_store))
    partial = [name for name in leftovers if name.endswith('.part')]
    stuck = len(partial) + (shown['status'] in ('saving', 'importing'))
    fig = tally.figures('image-store-full', stuck=stuck, recover_s=recover_s,
                        detail='store %d MiB; big upload -> %s; its image %s; files %d' % (
                            STORE_MIB, answer and answer.status, shown['status'],
                            len(leftovers)))
    figures.report(fig)
    assert answer is not None and answer.status in (413, 507), answer
    assert not tally.bad, tally.bad
    assert tally.lost == 0 and not reader.failures, reader.failures
    assert fits is not None and fits.status == 204, fits
    assert shown['status'] == 'queued' and not shown.get('size'), shown
    assert leftovers == sorted([first, next_image]), leftovers
    assert daemons['api'].running()
