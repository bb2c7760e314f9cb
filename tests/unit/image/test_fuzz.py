"""A seeded, bounded fuzz of the image API's request bodies and names: odd
JSON (wrong types, huge numbers, NUL, deep nesting, long strings) against
every writing call, as admin and as a project member.  Nothing may be a 5xx."""

import json
import random

import pytest

from services.image import metadef_catalogue

from tests.unit.image.conftest import ADMIN, ALICE
from tests.unit.image.test_images_api import create

SEED = 20261126
CASES = 400
NS = '/v2/metadefs/namespaces'


def _value(rng, depth=0):
    kind = rng.randrange(12 if depth < 3 else 8)
    return [
        lambda: None, lambda: True, lambda: rng.randint(-2 ** 70, 2 ** 70),
        lambda: rng.random() * 1e308, lambda: '', lambda: 'x' * rng.choice((1, 80, 81, 256, 5000)),
        lambda: 'a\u0000b', lambda: '\u2603/../%2F::',
        lambda: [_value(rng, depth + 1) for _ in range(rng.randrange(3))],
        lambda: {rng.choice(('name', 'namespace', 'op', 'path', 'value', 'tags', 'type',
                             'properties', 'visibility', 'protected', 'title', 'input',
                             'import_from', 'image_properties', 'replace', 'add', 'remove',
                             'required', 'objects', 'resource_type_associations')):
                 _value(rng, depth + 1) for _ in range(rng.randrange(4))},
        lambda: '[' * 3000 + ']' * 3000,
        lambda: {'name': _value(rng, depth + 1), 'title': 't', 'type': 'string'},
    ][kind]()


@pytest.fixture
def world(api):
    metadef_catalogue.load()
    api.post_json(NS, {'namespace': 'Fuzz'}, headers=ADMIN)
    api.post_json(NS + '/Fuzz/objects', {'name': 'o'}, headers=ADMIN)
    api.post_json(NS + '/Fuzz/properties', {'name': 'p', 'title': 'p', 'type': 'string'},
                  headers=ADMIN)
    api.post(NS + '/Fuzz/tags/t', headers=ADMIN)
    return {'image': create(api)['id']}


def test_no_5xx(api, world):
    rng = random.Random(SEED)
    image = world['image']
    calls = [
        ('POST', '/v2/images', 'application/json'),
        ('PATCH', '/v2/images/%s' % image, 'application/openstack-images-v2.1-json-patch'),
        ('PATCH', '/v2/images/%s' % image, 'application/openstack-images-v2.0-json-patch'),
        ('POST', '/v2/images/%s/import' % image, 'application/json'),
        ('POST', '/v2/tasks', 'application/json'),
        ('POST', NS, 'application/json'),
        ('PUT', NS + '/Fuzz', 'application/json'),
        ('POST', NS + '/Fuzz/objects', 'application/json'),
        ('PUT', NS + '/Fuzz/objects/o', 'application/json'),
        ('POST', NS + '/Fuzz/properties', 'application/json'),
        ('PUT', NS + '/Fuzz/properties/p', 'application/json'),
        ('POST', NS + '/Fuzz/tags', 'application/json'),
        ('PUT', NS + '/Fuzz/tags/t', 'application/json'),
        ('POST', NS + '/Fuzz/resource_types', 'application/json'),
        ('GET', NS + '?limit=%s&marker=%s&sort_key=%s', None),
        ('GET', '/v2/tasks?limit=%s&marker=%s&sort_dir=%s', None),
        ('GET', NS + '/%s/objects/%s', None),
    ]
    for case in range(CASES):
        method, path, content_type = rng.choice(calls)
        headers = dict(rng.choice((ADMIN, ALICE)))
        if content_type is None:
            parts = tuple(rng.choice(('', '-1', '99999999999999999999999', 'x', '%00',
                                      'Fuzz', 'o', 'name')) for _ in range(path.count('%s')))
            resp = api.request(path % parts, method=method, headers=headers,
                               expect_errors=True)
        else:
            body = _value(rng)
            raw = body if isinstance(body, str) and body.startswith('[') \
                else json.dumps(body)
            headers['Content-Type'] = content_type
            resp = api.request(path, method=method, headers=headers, body=raw.encode(),
                               expect_errors=True)
        assert resp.status_int < 500, (case, method, path, resp.body[:300])
