"""The objectstore driver against a fake keystoneauth session (no sockets):
the objects it writes, ranged reads across segments, deletes, and the image
API's answers when the object store fails."""

import hashlib
import json
import types
import urllib.parse

import pytest
from keystoneauth1 import exceptions as ks_exc

from services.image import exception
from services.image.store import objectstore

from tests.unit.image.conftest import ALICE
from tests.unit.image.test_data_api import upload
from tests.unit.image.test_images_api import create

STORAGE = 'http://swift.example:8080/v1/AUTH_svc'


class FakeResponse:
    def __init__(self, status, body=b'', headers=None):
        self.status_code = status
        self.body = body
        self.headers = headers or {}
        self.closed = False

    def json(self):
        return json.loads(self.body)

    def iter_content(self, size):
        for start in range(0, len(self.body), size):
            yield self.body[start:start + size]

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FakeSwift:
    """What a keystoneauth session to the object store does, in memory.

    ``down`` makes every call fail to connect; ``capacity`` is the bytes an
    object PUT may hold before the store answers 413."""

    def __init__(self):
        self.containers = {}
        self.calls = []
        self.bodies = []      # (object, [chunk sizes]) of every data PUT
        self.down = False
        self.capacity = None
        self.invalidated = 0

    def get_endpoint(self, **kwargs):
        assert kwargs['service_type'] == 'object-store'
        return STORAGE

    def invalidate(self):
        self.invalidated += 1

    def request(self, url, method, raise_exc=True, log=True, data=None, headers=None,
                params=None, stream=False, timeout=None, allow_reauth=True):
        assert url.startswith(STORAGE + '/') and raise_exc is False and log is False
        if self.down:
            raise ks_exc.ConnectFailure('Unable to establish connection')
        parts = [urllib.parse.unquote(p) for p in url[len(STORAGE) + 1:].split('/', 1)]
        self.calls.append((method, '/'.join(parts)))
        handler = getattr(self, '_' + method.lower())
        return handler(*parts, data=data, headers=headers or {}, params=params or {})

    def _put(self, container, name=None, data=None, headers=None, params=None):
        if name is None:
            created = container not in self.containers
            self.containers.setdefault(container, {})
            return FakeResponse(201 if created else 202)
        if container not in self.containers:
            return FakeResponse(404)
        if isinstance(data, str):
            body = data.encode()
        else:
            sizes, parts = [], []
            try:
                for chunk in data:  # the generator is consumed as requests would
                    sizes.append(len(chunk))
                    parts.append(chunk)
                    if self.capacity is not None and sum(sizes) > self.capacity:
                        return FakeResponse(413)
            except OSError as exc:  # requests reports a failing body as a connection error
                raise ks_exc.ConnectFailure(str(exc))
            self.bodies.append((name, sizes))
            body = b''.join(parts)
        self.containers[container][name] = body
        return FakeResponse(201, headers={'Etag': hashlib.md5(body).hexdigest()})

    def _get(self, container, name=None, data=None, headers=None, params=None):
        if container not in self.containers:
            return FakeResponse(404)
        objects = self.containers[container]
        if name is None:
            names = sorted(n for n in objects if n.startswith(params.get('prefix', ''))
                           and n > params.get('marker', ''))[:params.get('limit', 10000)]
            return FakeResponse(200, json.dumps([{'name': n} for n in names]).encode())
        if name not in objects:
            return FakeResponse(404)
        body = objects[name]
        spec = headers.get('Range')
        if not spec:
            return FakeResponse(200, body)
        first, _, last = spec[len('bytes='):].partition('-')
        end = int(last) + 1 if last else len(body)
        return FakeResponse(206, body[int(first):end])

    def _head(self, container, name, **kwargs):
        found = name in self.containers.get(container, {})
        return FakeResponse(200 if found else 404)

    def _delete(self, container, name, **kwargs):
        objects = self.containers.get(container, {})
        return FakeResponse(204 if objects.pop(name, None) is not None else 404)

    def objects(self, container='images'):
        return sorted(self.containers.get(container, {}))


def _conf(segment=1000, container='images'):
    opts = types.SimpleNamespace(
        objectstore_container=container, objectstore_large_object_size=segment,
        objectstore_timeout=5.0, objectstore_interface=['internal', 'public'],
        objectstore_region_name='RegionOne', objectstore_endpoint_override=None)
    return types.SimpleNamespace(store=opts)


@pytest.fixture
def swift():
    return FakeSwift()


@pytest.fixture
def ostore(swift):
    return objectstore.ObjectStore(_conf(), session=swift)


def _chunks(data, size=300):
    return (data[i:i + size] for i in range(0, len(data), size))


def _read(store, location, offset=0, length=None):
    return b''.join(store.get(location, offset, length, chunk_size=128))


def test_small_image_is_one_object_streamed_in_chunks(ostore, swift):
    data = bytes(range(256)) * 3
    location, size = ostore.add('img1', _chunks(data))
    assert size == len(data)
    assert location == 'swift+%s/images/img1' % STORAGE
    assert location == ostore.location_for('img1')
    assert swift.objects() == ['img1']
    # streamed: the PUT saw the upload's blocks, never the image whole
    assert swift.bodies == [('img1', [300, 300, 168])]
    assert _read(ostore, location) == data
    assert _read(ostore, location, 10, 20) == data[10:30]
    assert _read(ostore, location, 700) == data[700:]
    assert ostore.exists(location)


def test_large_image_is_segments_and_a_manifest(ostore, swift):
    data = hashlib.sha512(b'seed').digest() * 40  # 2560 bytes: 1000 + 1000 + 560
    location, size = ostore.add('img2', _chunks(data, 333))
    assert size == 2560
    assert location.endswith('/images/img2-manifest')
    assert swift.objects() == ['img2', 'img2-00001', 'img2-00002', 'img2-manifest']
    manifest = json.loads(swift.containers['images']['img2-manifest'])
    assert [(s['name'], s['bytes']) for s in manifest] == \
        [('img2', 1000), ('img2-00001', 1000), ('img2-00002', 560)]
    assert manifest[1]['etag'] == hashlib.md5(data[1000:2000]).hexdigest()
    assert max(max(sizes) for _, sizes in swift.bodies) <= 333
    assert _read(ostore, location) == data
    for offset, length in ((0, 1), (990, 20), (999, 1002), (2000, 560), (1500, None)):
        want = data[offset:] if length is None else data[offset:offset + length]
        assert _read(ostore, location, offset, length) == want


def test_image_of_exactly_one_segment_needs_no_manifest(ostore, swift):
    location, size = ostore.add('img3', _chunks(b'x' * 1000))
    assert (size, swift.objects()) == (1000, ['img3'])
    assert not location.endswith('-manifest')


def test_delete_removes_every_object_of_the_image_only(ostore, swift):
    location, _ = ostore.add('img4', _chunks(b'y' * 2500))
    ostore.add('img5', _chunks(b'z' * 10))
    ostore.delete(location)
    assert swift.objects() == ['img5']
    assert not ostore.exists(location)
    ostore.delete(location)  # already gone: not an error
    with pytest.raises(exception.ImageDataNotFound):
        ostore.get(location)


def test_failed_upload_leaves_no_object_and_reports_the_source_error(ostore, swift):
    def dropping():
        yield b'a' * 1000
        yield b'b' * 500
        raise OSError('client went away')
    with pytest.raises(OSError, match='client went away'):
        ostore.add('img6', dropping())
    assert swift.objects() == []

    def capped():
        yield b'c' * 1500
        raise exception.ImageSizeLimitExceeded(cap=1500)
    with pytest.raises(exception.ImageSizeLimitExceeded):
        ostore.add('img6', capped())
    assert swift.objects() == []


def test_store_away_is_store_error(ostore, swift):
    swift.down = True
    with pytest.raises(exception.StoreError) as err:
        ostore.add('img7', _chunks(b'q' * 10))
    assert err.value.code == 503


def test_full_store_is_storage_full_and_partial_data_goes(ostore, swift):
    swift.capacity = 700
    with pytest.raises(exception.StorageFull):
        ostore.add('img8', _chunks(b'f' * 2000))
    assert swift.objects() == []


def test_refused_token_mid_upload_is_renewed_for_the_next(ostore, swift):
    swift._put_data = swift._put

    def refuse(container, name=None, **kwargs):
        if name is None:
            return swift._put_data(container, **kwargs)
        list(kwargs['data'])
        return FakeResponse(401)
    swift._put = refuse
    with pytest.raises(exception.StoreError):
        ostore.add('img9', _chunks(b'r' * 10))
    assert swift.invalidated == 1


def test_foreign_and_malformed_locations_are_refused(ostore):
    for location in ('file:///var/lib/x', 'swift+http://h/v1/AUTH_a/images'):
        with pytest.raises(exception.StoreError):
            ostore.get(location)
    with pytest.raises(exception.StoreError):
        ostore.delete('swift+%s/other/img1' % STORAGE)


# -- through the image API -----------------------------------------------------------------

@pytest.fixture
def swift_api(conf, swift):
    import webtest
    from services.image.api import app
    from services.image.store import fake
    conf.set_override('driver', 'objectstore', group='store')
    conf.set_override('objectstore_large_object_size', 10000, group='store')
    conf.set_override('chunk_size', 4096, group='image')
    store = objectstore.ObjectStore(conf, session=swift)
    return webtest.TestApp(app.setup_app(conf, store=store, staging=fake.FakeStore()),
                           extra_environ={'HTTP_ACCEPT': 'application/json'})


def test_api_upload_download_delete_on_segments(swift_api, swift):
    image = create(swift_api)
    data = bytes(range(251)) * 100  # 25100 bytes: three segments
    upload(swift_api, image['id'], data)
    shown = swift_api.get('/v2/images/%s' % image['id'], headers=ALICE).json
    assert shown['status'] == 'active' and shown['size'] == len(data)
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert shown['os_hash_value'] == hashlib.sha512(data).hexdigest()
    assert len(swift.objects()) == 4
    url = '/v2/images/%s/file' % image['id']
    assert swift_api.get(url, headers=ALICE).body == data
    resp = swift_api.get(url, headers=dict(ALICE, Range='bytes=9000-20999'), status=206)
    assert resp.body == data[9000:21000]
    swift_api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=204)
    assert swift.objects() == []


def test_api_store_away_is_503_with_retry_after_and_image_queued(swift_api, swift):
    image = create(swift_api)
    swift.down = True
    resp = swift_api.put('/v2/images/%s/file' % image['id'], b'd' * 15000,
                         headers=dict(ALICE, **{'Content-Type': 'application/octet-stream'}),
                         status=503)
    assert int(resp.headers['Retry-After']) > 0
    swift.down = False
    assert swift_api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == \
        'queued'
    assert swift.objects() == []


def test_api_full_store_is_413_and_image_queued(swift_api, swift):
    image = create(swift_api)
    swift.capacity = 6000
    swift_api.put('/v2/images/%s/file' % image['id'], b'e' * 15000,
                  headers=dict(ALICE, **{'Content-Type': 'application/octet-stream'}),
                  status=413)
    assert swift_api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == \
        'queued'
    assert swift.objects() == []


def test_api_data_gone_from_the_store(swift_api, swift):
    image = create(swift_api)
    upload(swift_api, image['id'], b'g' * 100)
    swift.containers['images'].clear()
    swift_api.get('/v2/images/%s/file' % image['id'], headers=ALICE, status=404)


def test_api_delete_with_store_away_deletes_the_image(swift_api, swift):
    image = create(swift_api)
    upload(swift_api, image['id'], b'h' * 100)
    swift.down = True
    swift_api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=204)
    swift_api.get('/v2/images/%s' % image['id'], headers=ALICE, status=404)


def test_images_stored_before_the_switch_stay_readable(ostore, swift):
    from services.image.store import fake
    from services.image.store import routing
    old = fake.FakeStore()
    old_location, _ = old.add('before', [b'old data'])
    router = routing.SchemeRouter(ostore, old)
    location, _ = router.add('after', [b'new data'])
    assert location.startswith('swift+') and swift.objects() == ['after']
    assert b''.join(router.get(old_location)) == b'old data'
    assert b''.join(router.get(location)) == b'new data'
    assert router.location_for('x') == ostore.location_for('x')
    router.delete(old_location)
    assert not router.exists(old_location) and router.exists(location)
    with pytest.raises(exception.StoreError):
        router.get('ftp://elsewhere/x')


def test_objectstore_driver_writes_there_and_reads_the_directory_too(conf):
    from services.image import store as image_store
    from services.image.store import filesystem
    conf.set_override('driver', 'objectstore', group='store')
    store = image_store.get_store(conf)
    assert isinstance(store.primary, objectstore.ObjectStore)
    assert [type(s) for s in store.stores[1:]] == [filesystem.FilesystemStore]
    assert isinstance(image_store.get_staging_store(conf), filesystem.FilesystemStore)
