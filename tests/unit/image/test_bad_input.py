"""Out-of-range numbers, wrong methods, and uploads that fail: a 4xx with
glance's body, never a 500, and never a data file left behind."""

import io
import os

import pytest
import webtest

from services.image import exception
from services.image import pipeline
from services.image.api import app
from services.image.db import api as db_api
from services.image.store import fake
from services.image.store import filesystem

from tests.unit.image.conftest import ALICE, PATCH_TYPE
from tests.unit.image.test_data_api import OCTET, upload, upload_direct
from tests.unit.image.test_images_api import create


@pytest.mark.parametrize('field,value', [
    ('min_disk', 2 ** 31), ('min_ram', 2 ** 31), ('min_ram', 2 ** 63), ('min_disk', 10 ** 30),
    ('min_disk', -1), ('min_ram', -(2 ** 63)),
])
def test_numbers_beyond_the_columns_are_400(api, field, value):
    body = create(api, status=400, **{field: value})
    assert body['code'] == '400 Bad Request' and body['title'] == 'Bad Request'
    assert api.get('/v2/images', headers=ALICE).json['images'] == []
    image = create(api)
    resp = api.patch('/v2/images/%s' % image['id'], '[{"op": "replace", "path": "/%s", '
                     '"value": %d}]' % (field, value), status='*',
                     headers=dict(ALICE, **{'Content-Type': PATCH_TYPE}))
    assert resp.status_int == 400
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json[field] == 0


def test_largest_column_values_are_accepted(api):
    image = create(api, min_disk=2 ** 31 - 1, min_ram=2 ** 31 - 1)
    assert image['min_disk'] == image['min_ram'] == 2 ** 31 - 1


@pytest.mark.parametrize('query', ['size_min=99999999999999999999999', 'size_max=2e3',
                                   'size_min=-1', 'size_max=9223372036854775808'])
def test_list_size_filters_out_of_range_are_400(api, query):
    resp = api.get('/v2/images?' + query, headers=ALICE, status=400)
    assert resp.json['code'] == '400 Bad Request'


def test_huge_limit_is_capped_not_refused(api):
    create(api)
    assert len(api.get('/v2/images?limit=%d' % 10 ** 30, headers=ALICE).json['images']) == 1


def test_long_property_names_are_400(api):
    create(api, status=400, **{'k' * 256: 'v'})
    image = create(api)
    resp = api.patch('/v2/images/%s' % image['id'],
                     '[{"op": "add", "path": "/%s", "value": "v"}]' % ('k' * 256),
                     status='*', headers=dict(ALICE, **{'Content-Type': PATCH_TYPE}))
    assert resp.status_int == 400


@pytest.mark.parametrize('method,path', [
    ('DELETE', '/v2/images'), ('PUT', '/v2/images'), ('PATCH', '/v2/images'),
    ('DELETE', '/v2/schemas/image'), ('POST', '/v2/schemas/images'), ('POST', '/v2'),
    ('DELETE', '/versions'), ('PUT', '/v2/info/import'), ('PUT', '/'),
    ('POST', '/v2/images/{id}'), ('POST', '/v2/images/{id}/file'),
    ('DELETE', '/v2/images/{id}/members'), ('GET', '/v2/images/{id}/actions/deactivate'),
])
def test_wrong_method_is_405(api, method, path):
    image = create(api)
    resp = api.request(path.replace('{id}', image['id']), method=method, headers=ALICE,
                       expect_errors=True)
    assert resp.status_int == 405
    assert resp.json['code'] == '405 Method Not Allowed'
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == 'queued'


# -- failed uploads leave nothing ---------------------------------------------------

@pytest.fixture
def datadir(tmp_path):
    return tmp_path / 'images'


@pytest.fixture
def fs_api(conf, datadir):
    store = filesystem.FilesystemStore(str(datadir))
    conf.set_override('image_size_cap', 1000, group='image')
    return webtest.TestApp(app.setup_app(conf, store=store, staging=fake.FakeStore())), store


def _files(datadir):
    return sorted(os.listdir(datadir))


def _status(api, image_id):
    return api.get('/v2/images/%s' % image_id, headers=ALICE).json['status']


class _Dropping(io.RawIOBase):
    """A request body whose client goes away after ``good`` bytes."""

    def __init__(self, good):
        self.left = good

    def readable(self):
        return True

    def read(self, size=-1):
        if self.left <= 0:
            raise OSError('connection reset by peer')
        chunk = b'z' * min(size if size > 0 else self.left, self.left)
        self.left -= len(chunk)
        return chunk


def _assert_nothing_left(api, datadir, image_id):
    assert _status(api, image_id) == 'queued'
    assert _files(datadir) == []
    api.delete('/v2/images/%s' % image_id, headers=ALICE, status=204)
    assert _files(datadir) == []


def test_upload_shorter_than_declared(fs_api, datadir):
    api, _ = fs_api
    image = create(api)
    req = webtest.TestRequest.blank('/v2/images/%s/file' % image['id'], method='PUT',
                                    headers=dict(ALICE, **OCTET))
    req.body_file = io.BytesIO(b'a' * 50)
    req.content_length = 500        # the client promised more than it sent
    resp = api.do_request(req, status='*')
    assert resp.status_int == 400
    _assert_nothing_left(api, datadir, image['id'])


def test_upload_over_the_size_cap(fs_api, datadir):
    api, _ = fs_api
    image = create(api)
    upload(api, image['id'], b'a' * 2000, status=413)
    _assert_nothing_left(api, datadir, image['id'])


def test_client_disconnect_mid_upload(fs_api, datadir, conf):
    api, store = fs_api
    image = db_api.image_get(create(api)['id'])
    with pytest.raises(Exception):
        upload_direct(conf, store, image, _Dropping(300), None)
    _assert_nothing_left(api, datadir, image['id'])


def test_failure_after_the_data_is_written(fs_api, datadir, conf, monkeypatch):
    """The digests or the activation fail once the file is complete."""
    api, store = fs_api
    image = db_api.image_get(create(api)['id'])

    def broken(self, disk_format):
        raise exception.StoreError(reason='checksum thread failed')
    monkeypatch.setattr(pipeline.HashingReader, 'results', broken)
    with pytest.raises(exception.StoreError):
        upload_direct(conf, store, image, io.BytesIO(b'q' * 100), 100)
    _assert_nothing_left(api, datadir, image['id'])


def test_store_write_error(fs_api, datadir, conf, monkeypatch):
    api, store = fs_api
    image = create(api)
    real_open = open

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def write(self, chunk):
            self.handle.write(chunk[:1])
            raise OSError(28, 'No space left on device')

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(filesystem, 'open', lambda path, mode='r', **kw: Full(
        real_open(path, mode, **kw)), raising=False)
    resp = upload(api, image['id'], b'a' * 100, status='*')
    assert resp.status_int >= 400 and resp.status_int != 500
    monkeypatch.undo()
    _assert_nothing_left(api, datadir, image['id'])


def test_data_written_but_never_activated_goes_with_the_image(fs_api, datadir):
    """A daemon that died between the write and the status change left the
    file: deleting the image removes it although the image never recorded it."""
    api, store = fs_api
    image = create(api)
    location, _ = store.add(image['id'], iter([b'orphan']))
    db_api.image_update(image['id'], {'status': 'saving'})
    assert _files(datadir) == [image['id']]
    api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=204)
    assert _files(datadir) == []


def test_successful_upload_then_delete(fs_api, datadir):
    api, _ = fs_api
    image = create(api)
    upload(api, image['id'], b'ok' * 10)
    assert _files(datadir) == [image['id']]
    api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=204)
    assert _files(datadir) == []
