"""The threaded data path: parallel digests, failure clean-up, streamed downloads."""

import hashlib
import io
import os
import threading

import pytest
import webob

from common import exception as common_exc
from services.image import pipeline
from services.image.store import filesystem

from tests.unit.image.conftest import ALICE
from tests.unit.image.test_data_api import upload, upload_direct
from tests.unit.image.test_images_api import create

MIB = 1 << 20


@pytest.mark.parametrize('sizes', [
    [],                                  # empty image
    [10, 300, 5],                        # small blocks, hashed inline
    [MIB, MIB, 7],                       # offloaded blocks, short tail
    [100, 2 * MIB, 70000, 1],            # mixed
])
def test_parallel_digests_match_hashlib(sizes):
    blocks = [os.urandom(n) for n in sizes]
    digests = pipeline.ParallelDigests(('md5', 'sha512'))
    for block in blocks:
        digests.update(block)
    whole = b''.join(blocks)
    assert digests.hexdigests() == [hashlib.md5(whole).hexdigest(),
                                    hashlib.sha512(whole).hexdigest()]


def test_digests_of_large_blocks_run_off_the_calling_thread(monkeypatch):
    seen = set()

    class Recording:
        def __init__(self):
            self.inner = hashlib.sha256()

        def update(self, block):
            seen.add(threading.get_ident())
            self.inner.update(block)

    digests = pipeline.ParallelDigests(('md5',))
    digests._hashes = [Recording()]
    digests.update(b'x' * pipeline.MIN_OFFLOAD_BYTES)
    digests.finish()
    assert seen and threading.get_ident() not in seen


def test_settle_waits_for_all_jobs_then_raises_first_error():
    finished = []
    release = threading.Event()

    def slow():
        release.wait(5)
        finished.append('slow')

    def fail():
        release.set()
        raise ValueError('boom')

    jobs = [pipeline.submit(fail), pipeline.submit(slow)]
    with pytest.raises(ValueError):
        pipeline._settle(jobs)
    assert finished == ['slow']


def test_filesystem_download_of_a_range_across_blocks(tmp_path):
    payload = os.urandom(2 * MIB + 123)
    fs = filesystem.FilesystemStore(str(tmp_path))
    location, _ = fs.add('img', iter([payload]))
    assert b''.join(fs.get(location, 0, None, 256 * 1024)) == payload
    assert b''.join(fs.get(location, MIB - 3, MIB + 10, 256 * 1024)) == \
        payload[MIB - 3:2 * MIB + 7]


def test_multi_block_upload_to_filesystem_has_right_checksums(api, conf, tmp_path):
    fs = filesystem.FilesystemStore(str(tmp_path / 'images'))
    payload = os.urandom(3 * MIB + 4321)
    image = _queued(api)
    done = upload_direct(conf, fs, image, io.BytesIO(payload), len(payload))
    assert done['status'] == 'active' and done['size'] == len(payload)
    assert done['checksum'] == hashlib.md5(payload).hexdigest()
    assert done['os_hash_value'] == hashlib.sha512(payload).hexdigest()
    with open(str(tmp_path / 'images' / image['id']), 'rb') as f:
        assert f.read() == payload


class _BreaksAfter:
    """A body that delivers ``good`` bytes in big reads and then fails."""

    def __init__(self, good):
        self.source = io.BytesIO(good)

    def read(self, size):
        chunk = self.source.read(size)
        if chunk:
            return chunk
        raise OSError('connection reset by peer')


def test_failure_mid_upload_leaves_image_queued_and_no_file(api, conf, tmp_path):
    datadir = tmp_path / 'images'
    fs = filesystem.FilesystemStore(str(datadir))
    image = _queued(api)
    with pytest.raises(common_exc.BadRequest):
        upload_direct(conf, fs, image, _BreaksAfter(os.urandom(2 * MIB + 1)), 8 * MIB)
    shown = api.get('/v2/images/%s' % image['id'], headers=ALICE).json
    assert shown['status'] == 'queued' and shown['checksum'] is None
    assert list(datadir.iterdir()) == []
    # the image can still be uploaded afterwards
    payload = os.urandom(MIB + 1)
    upload_direct(conf, fs, image, io.BytesIO(payload), len(payload))
    assert open(str(datadir / image['id']), 'rb').read() == payload


def test_download_keeps_content_length(api):
    image = create(api)
    payload = os.urandom(300 * 1024)
    upload(api, image['id'], payload)
    # call the WSGI app directly: WebTest would fill in a missing length itself
    request = webob.Request.blank('/v2/images/%s/file' % image['id'], headers=ALICE)
    status, headers, body = request.call_application(api.app)
    headers = dict(headers)
    assert status.startswith('200')
    assert headers['Content-Length'] == str(len(payload))
    assert b''.join(body) == payload


def _queued(api):
    from services.image.db import api as db_api
    return db_api.image_get(create(api)['id'])


class _Block(bytes):
    live = 0

    def __new__(cls, value):
        _Block.live += 1
        return super().__new__(cls, value)

    def __del__(self):
        _Block.live -= 1


def test_download_holds_only_a_few_blocks(api, store, monkeypatch):
    """Pecan's tee kept the last 57 blocks alive; the served body must not."""
    image = create(api)
    upload(api, image['id'], b'x' * 10)
    monkeypatch.setattr(store, 'get', lambda *args: (_Block(b'b' * 10) for _ in range(200)))
    request = webob.Request.blank('/v2/images/%s/file' % image['id'], headers=ALICE)
    status, headers, body = request.call_application(api.app)
    most = served = 0
    for block in body:
        served += 1
        del block
        most = max(most, _Block.live)
    assert served == 200
    assert most <= 3
