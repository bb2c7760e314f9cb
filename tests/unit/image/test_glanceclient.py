"""python-glanceclient and openstacksdk against the in-process image API.

The clients' own HTTP sessions go through a requests transport adapter that
calls the WSGI app (no socket), so what they send -- glanceclient no Accept
header beyond requests' ``*/*``, the SDK ``application/json`` -- reaches the
error pages exactly as on the wire.
"""

import pytest
import requests
import webob

from tests.unit.image.conftest import ALICE
from tests.unit.image.test_images_api import create
from tests.unit.image.wsgi_adapter import WSGIAdapter

# python-glanceclient is a test dependency (what Horizon uses); without it these skip
glance_client = pytest.importorskip('glanceclient.client')
glance_exc = pytest.importorskip('glanceclient.exc')

MISSING = '3a1c2b5e-0000-4000-8000-000000000000'


@pytest.fixture
def glance(api):
    client = glance_client.Client('2', endpoint='http://image.test:9292', token='t',
                                  identity_headers=dict(ALICE))
    client.http_client.session.mount('http://', WSGIAdapter(api.app))
    return client


def test_glanceclient_missing_image_raises_not_found(glance):
    with pytest.raises(glance_exc.HTTPNotFound) as caught:
        glance.images.get(MISSING)
    assert 'No image found with ID %s' % MISSING in str(caught.value)
    with pytest.raises(glance_exc.HTTPNotFound):
        glance.images.delete(MISSING)


def test_glanceclient_other_errors_are_its_exceptions(api, glance):
    image = create(api, protected=True)
    with pytest.raises(glance_exc.HTTPForbidden) as caught:
        glance.images.delete(image['id'])
    assert 'protected' in str(caught.value)
    with pytest.raises(glance_exc.HTTPConflict):
        glance.images.create(id=image['id'], name='again')
    glance.images.update(image['id'], protected=False, name='renamed')
    assert glance.images.get(image['id'])['name'] == 'renamed'
    glance.images.delete(image['id'])


@pytest.mark.parametrize('accept,content_type', [
    ('*/*', 'text/html'), ('application/json', 'application/json'),
    # no Accept at all: the JSON page (webob would write text/plain)
    (None, 'application/json'), ('application/octet-stream', 'text/plain'),
])
def test_error_page_follows_accept_as_webob_does(api, accept, content_type):
    headers = dict(ALICE)
    if accept:
        headers['Accept'] = accept
    resp = api.get('/v2/images/%s' % MISSING, headers=headers, status=404,
                   extra_environ={'HTTP_ACCEPT': accept} if accept else {})
    if accept is None:
        # WebTest's default environ has the Accept the fixture sets; drop it.
        wreq = webob.Request.blank('/v2/images/%s' % MISSING, headers=ALICE)
        resp = wreq.get_response(api.app)
    assert resp.content_type == content_type
    assert resp.headers['x-openstack-request-id'].startswith('req-')
    text = resp.body.decode()
    assert 'No image found with ID %s' % MISSING in text
    if content_type == 'text/html':
        assert text.startswith('<html>\n <head>\n  <title>404 Not Found</title>')
    if content_type == 'text/plain':
        assert text.startswith('404 Not Found\n\nNo image found')


def test_json_error_page_golden(api):
    resp = api.get('/v2/images/%s' % MISSING, headers=ALICE, status=404)
    assert resp.json == {
        'message': 'No image found with ID %s<br /><br />\n\n\n' % MISSING,
        'code': '404 Not Found', 'title': 'Not Found'}


def test_keystone_style_401_passes_through(api):
    # A JSON error that is not an image fault (keystonemiddleware's) is kept.
    from services.image.api import errors
    inner = webob.Response(status=401, content_type='application/json',
                           body=b'{"error": {"code": 401, "title": "Unauthorized", '
                                b'"message": "The request you have made requires '
                                b'authentication."}}')
    resp = webob.Request.blank('/v2/images', headers={'Accept': '*/*'}).get_response(
        errors.ErrorPages(inner))
    assert resp.json['error']['code'] == 401


def test_405_is_an_error_page(api):
    resp = api.delete('/v2/images', headers=dict(ALICE, Accept='*/*'), status=405)
    assert resp.content_type == 'text/html'
    assert resp.text.startswith('<html>\n <head>\n  <title>405 Method Not Allowed')


def test_openstacksdk_reads_the_json_page(api):
    openstack = pytest.importorskip('openstack')
    from openstack import exceptions as sdk_exc
    session = requests.Session()
    session.mount('http://', WSGIAdapter(api.app))
    from keystoneauth1 import noauth
    from keystoneauth1 import session as ks_session
    sess = ks_session.Session(auth=noauth.NoAuth(), session=session)
    conn = openstack.connection.Connection(session=sess,
                                           image_endpoint_override='http://image.test:9292/v2',
                                           image_api_version='2')
    with pytest.raises(sdk_exc.NotFoundException) as caught:
        conn.image.get_image(MISSING)
    assert 'No image found' in str(caught.value)


def test_deeply_nested_json_is_400_not_500(api):
    for depth in (10000, 100):
        resp = api.post('/v2/images', '[' * depth + ']' * depth, headers=dict(
            ALICE, **{'Content-Type': 'application/json'}), expect_errors=True)
        assert resp.status_int == 400, resp.body


def test_a_webob_json_page_from_middleware_is_not_wrapped_twice(api):
    big = '[' * 100000 + ']' * 100000  # over the body size limit: oslo.middleware's 413
    resp = api.post('/v2/images', big, headers=dict(
        ALICE, **{'Content-Type': 'application/json'}), status=413)
    assert resp.json['message'].count('<br /><br />') == 1


def test_head_errors_have_no_body(api):
    resp = api.head('/v2/nothing', headers=dict(ALICE, Accept='*/*'), status=404)
    assert resp.body == b'' and resp.content_type == 'text/html'
