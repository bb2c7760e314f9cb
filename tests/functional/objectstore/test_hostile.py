"""Seeded, bounded hostile requests: the proxy answers each with a 4xx or a
success, never a 5xx (all storage servers up)."""

import random

import openstack
import pytest
import requests

pytestmark = pytest.mark.functional
SEED = 20261126
REQUESTS = 250

METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'COPY', 'OPTIONS', 'PATCH']
NAMES = ['c', 'c/o', 'c/dir/o', 'c/%ff%fe', 'c/' + 'x' * 1100, 'c/%00', 'nope/o', 'c/ü/ø',
         '', 'c//o', 'c/o?', 'c/..', '..', 'c/o%20sp']
HEADERS = [
    {'Range': 'bytes=abc'}, {'Range': 'bytes=5-1'}, {'Range': 'bytes=0-0,2-3'},
    {'Range': 'chars=1-2'}, {'If-Match': ''}, {'If-None-Match': '*'},
    {'If-Modified-Since': 'yesterday'}, {'If-Unmodified-Since': '0'},
    {'X-Delete-At': '-5'}, {'X-Delete-At': '1e10'}, {'X-Delete-After': '99999999999999'},
    {'X-Copy-From': '/'}, {'X-Copy-From': 'c/missing'}, {'Destination': 'c'},
    {'Destination': '/c/copied'}, {'X-Container-Read': '.r:'}, {'X-Container-Read': '*:*'},
    {'X-Object-Meta-': 'empty-name'}, {'X-Object-Meta-A': 'v' * 300},
    {'X-Container-Meta-B': 'ok'}, {'Content-Type': 'x' * 300}, {'ETag': 'not-md5'},
    {'X-Remove-Container-Meta-B': 'x'}, {'X-Fresh-Metadata': 'true'}, {},
    # the feature modules' own
    {'X-Object-Manifest': '/'}, {'X-Object-Manifest': 'c/'}, {'X-Object-Manifest': 'nope/x'},
    {'X-Static-Large-Object': 'True'}, {'X-Versions-Location': 'a/b'},
    {'X-History-Location': 'c'}, {'X-Versions-Location': '%ff'},
    {'X-Container-Meta-Quota-Bytes': '-1'}, {'X-Container-Meta-Quota-Count': '0'},
    {'X-Account-Meta-Quota-Bytes': 'x'}, {'X-Object-Sysmeta-Slo-Size': '5'},
    {'Origin': 'http://x', 'Access-Control-Request-Method': 'GET'},
    {'Content-Type': 'multipart/form-data; boundary=zz'},
]
QUERIES = ['', '?format=json', '?format=xml', '?limit=0', '?limit=-1', '?marker=%ff',
           '?delimiter=ab', '?prefix=%00', '?reverse=maybe', '?end_marker=z&marker=a',
           '?format=plain&limit=10001', '?multipart-manifest=put', '?multipart-manifest=get',
           '?multipart-manifest=delete', '?extract-archive=tar', '?extract-archive=tar.bz2',
           '?bulk-delete', '?temp_url_sig=ab&temp_url_expires=9999999999',
           '?temp_url_sig=sha1:%ff&temp_url_expires=soon&temp_url_prefix=']


def test_no_request_gets_a_5xx(objectstore):
    conn = openstack.connect(**objectstore.cloud_config('demo-user'))
    token = conn.auth_token
    conn.close()
    base = '%s/v1/%s/' % (objectstore.url, objectstore.account('demo'))
    session = requests.Session()
    session.put(base + 'c', headers={'X-Auth-Token': token}, timeout=30)
    session.put(base + 'c/o', data=b'0123456789', headers={'X-Auth-Token': token},
                timeout=30)
    rng = random.Random(SEED)
    failures = []
    for _ in range(REQUESTS):
        method = rng.choice(METHODS)
        url = base + rng.choice(NAMES) + rng.choice(QUERIES)
        headers = dict(rng.choice(HEADERS))
        if rng.random() < 0.85:
            headers['X-Auth-Token'] = token
        body = rng.choice([None, b'', b'data', b'x' * 70000, b'[{"path": "/c/o"}]',
                           b'[{"path": "c/o", "range": "9-2"}, 5]', b'c/o\nc\n\n/'])
        resp = session.request(method, url, headers=headers, data=body, timeout=30)
        if resp.status_code >= 500:
            failures.append((method, url[len(base):][:60], headers, resp.status_code,
                             resp.text[:120]))
    assert failures == []
