"""Upload, download, staging/import and the status lifecycle."""

import hashlib
import io
import struct

import pytest

from common import exception as common_exc
from services.image import exception
from services.image import pipeline
from services.image.core import data as data_core

from tests.unit.image.conftest import message, ADMIN, ALICE, BOB
from tests.unit.image.test_images_api import create

OCTET = {'Content-Type': 'application/octet-stream'}


def upload_direct(conf, store, image, body, length):
    """The data manager's upload, without the API in front of it."""
    return data_core.DataManager(conf, store, None).upload(image, body, length)


def upload(api, image_id, data, headers=ALICE, status=204, path='file'):
    return api.put('/v2/images/%s/%s' % (image_id, path), data,
                   headers=dict(headers, **OCTET), status=status)


def qcow2_header(virtual_size):
    return b'QFI\xfb' + struct.pack('>I', 3) + b'\0' * 16 + struct.pack('>Q', virtual_size)


def test_upload_sets_hashes_size_and_active(api, store):
    image = create(api)
    data = b'abc' * 100000
    upload(api, image['id'], data)
    shown = api.get('/v2/images/%s' % image['id'], headers=ALICE).json
    assert shown['status'] == 'active'
    assert shown['size'] == len(data) == shown['virtual_size']
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert shown['os_hash_algo'] == 'sha512'
    assert shown['os_hash_value'] == hashlib.sha512(data).hexdigest()
    resp = api.get('/v2/images/%s/file' % image['id'], headers=ALICE)
    assert resp.body == data
    assert resp.headers['Content-MD5'] == shown['checksum']
    assert resp.content_type == 'application/octet-stream'


def test_qcow2_virtual_size_read_from_header(api):
    image = create(api, disk_format='qcow2')
    upload(api, image['id'], qcow2_header(1 << 30) + b'\0' * 4000)
    shown = api.get('/v2/images/%s' % image['id'], headers=ALICE).json
    assert shown['virtual_size'] == 1 << 30
    assert shown['size'] == 4032


def test_range_download(api):
    image = create(api)
    data = bytes(range(256)) * 10
    upload(api, image['id'], data)
    url = '/v2/images/%s/file' % image['id']
    resp = api.get(url, headers=dict(ALICE, Range='bytes=10-19'), status=206)
    assert resp.body == data[10:20]
    assert resp.headers['Content-Range'] == 'bytes 10-19/2560'
    assert api.get(url, headers=dict(ALICE, Range='bytes=-5'), status=206).body == data[-5:]
    assert api.get(url, headers=dict(ALICE, Range='bytes=2550-'), status=206).body == \
        data[2550:]
    body = api.get(url, headers=dict(ALICE, Range='bytes=9999-'), status=416).json
    assert body['code'] == '416 Request Range Not Satisfiable'


def test_download_without_data_is_204(api):
    image = create(api)
    api.get('/v2/images/%s/file' % image['id'], headers=ALICE, status=204)


def test_upload_to_active_image_conflicts(api):
    image = create(api)
    upload(api, image['id'], b'x')
    body = upload(api, image['id'], b'y', status=409).json
    assert 'active' in body['message']


def test_upload_needs_formats(api):
    image = api.post_json('/v2/images', {'name': 'bare'}, headers=ALICE).json
    body = upload(api, image['id'], b'x', status=400).json
    assert 'disk_format' in body['message']


def test_upload_needs_octet_stream(api):
    image = create(api)
    body = api.put('/v2/images/%s/file' % image['id'], 'a=b', headers=dict(
        ALICE, **{'Content-Type': 'application/x-www-form-urlencoded'}), status=415).json
    assert body['code'] == '415 Unsupported Media Type'


def test_size_cap_leaves_image_queued_and_no_data(api, conf, store):
    conf.set_override('image_size_cap', 100, group='image')
    image = create(api)
    body = upload(api, image['id'], b'x' * 101, status=413).json
    assert body['title'] == 'Request Entity Too Large'
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == 'queued'
    assert store.blobs == {}
    upload(api, image['id'], b'x' * 100)


def test_size_cap_enforced_on_chunked_body(conf, store):
    """No Content-Length: the cap is checked while streaming."""
    conf.set_override('image_size_cap', 10, group='image')
    reader = pipeline.HashingReader(io.BytesIO(b'x' * 50), 4, 10)
    try:
        list(reader)
    except exception.ImageSizeLimitExceeded:
        pass
    else:
        raise AssertionError('cap not enforced')


class _Dropping:
    """A body that breaks after some data, like a client that went away."""

    def __init__(self, good):
        self.good = good

    def read(self, size):
        if self.good:
            chunk, self.good = self.good[:size], self.good[size:]
            return chunk
        raise OSError('connection reset by peer')


def _queued_image(api):
    from services.image.db import api as db_api
    return db_api.image_get(create(api)['id'])


def test_dropped_connection_puts_image_back_to_queued(api, conf, store):
    image = _queued_image(api)
    with pytest.raises(common_exc.BadRequest):
        upload_direct(conf, store, image, _Dropping(b'x' * 1000), 5000)
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == 'queued'
    assert store.blobs == {}


def test_short_body_is_rejected(api, conf, store):
    image = _queued_image(api)
    with pytest.raises(exception.UploadIncomplete):
        upload_direct(conf, store, image, io.BytesIO(b'x' * 10), 5000)
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == 'queued'
    assert store.blobs == {}


def test_filesystem_store_removes_partial_file(tmp_path):
    from services.image.store import filesystem

    def chunks():
        yield b'abc'
        raise OSError('gone')
    fs = filesystem.FilesystemStore(str(tmp_path))
    with pytest.raises(OSError):
        fs.add('img', chunks())
    assert list(tmp_path.iterdir()) == []
    location, size = fs.add('img', iter([b'ab', b'cd']))
    assert size == 4 and b''.join(fs.get(location, 1, 2)) == b'bc'
    fs.delete(location)
    assert not fs.exists(location)


def test_full_filesystem_store_is_413_and_leaves_no_data(api, conf, tmp_path, monkeypatch):
    import builtins

    from services.image.store import filesystem
    fs = filesystem.FilesystemStore(str(tmp_path / 'store'))
    # /dev/full fails every write with ENOSPC, as a full disk does.
    monkeypatch.setattr(filesystem, 'open', lambda path, mode: builtins.open('/dev/full', mode),
                        raising=False)
    conf.set_override('chunk_size', 4096, group='image')
    image = _queued_image(api)
    body = io.BytesIO(b'x' * 65536)
    with pytest.raises(exception.StorageFull) as err:
        upload_direct(conf, fs, image, body, 65536)
    assert err.value.code == 413
    assert body.tell() == 65536   # the rest was read, so the client gets the answer
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == 'queued'
    assert list((tmp_path / 'store').iterdir()) == []


def test_other_project_cannot_upload(api):
    image = create(api, visibility='public', headers=ADMIN)
    upload(api, image['id'], b'x', headers=BOB, status=403)


def test_deactivate_blocks_download_for_users(api):
    image = create(api)
    upload(api, image['id'], b'data')
    url = '/v2/images/%s' % image['id']
    api.post(url + '/actions/deactivate', headers=ALICE, status=204)
    assert api.get(url, headers=ALICE).json['status'] == 'deactivated'
    api.get(url + '/file', headers=ALICE, status=403)
    assert api.get(url + '/file', headers=ADMIN).body == b'data'
    api.post(url + '/actions/reactivate', headers=ALICE, status=204)
    assert api.get(url + '/file', headers=ALICE).body == b'data'


def test_deactivate_queued_image_refused(api):
    image = create(api)
    api.post('/v2/images/%s/actions/deactivate' % image['id'], headers=ALICE, status=403)


def test_delete_removes_data(api, store):
    image = create(api)
    upload(api, image['id'], b'data')
    assert len(store.blobs) == 1
    api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=204)
    assert store.blobs == {}


def test_stage_then_glance_direct_import(api, store):
    image = create(api)
    data = b'staged' * 1000
    upload(api, image['id'], data, path='stage')
    url = '/v2/images/%s' % image['id']
    assert api.get(url, headers=ALICE).json['status'] == 'uploading'
    api.post_json(url + '/import', {'method': {'name': 'glance-direct'}}, headers=ALICE,
                  status=202)
    shown = api.get(url, headers=ALICE).json
    assert shown['status'] == 'active'
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert api.get(url + '/file', headers=ALICE).body == data


def test_import_without_staged_data_conflicts(api):
    image = create(api)
    api.post_json('/v2/images/%s/import' % image['id'],
                  {'method': {'name': 'glance-direct'}}, headers=ALICE, status=409)


def test_web_download_refused_when_disabled(api, conf):
    conf.set_override('enabled_import_methods', ['glance-direct'], group='image')
    image = create(api)
    body = api.post_json('/v2/images/%s/import' % image['id'],
                         {'method': {'name': 'web-download', 'uri': 'http://x/y'}},
                         headers=ALICE, status=400).json
    assert 'web-download is not enabled' in message(body)
