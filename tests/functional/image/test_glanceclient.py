"""python-glanceclient (what Horizon uses) against the real image daemon."""

import openstack
import pytest

from tests.functional.image import fixtures

glance_client = pytest.importorskip('glanceclient.client')
glance_exc = pytest.importorskip('glanceclient.exc')

pytestmark = pytest.mark.functional

MISSING = '3a1c2b5e-0000-4000-8000-000000000000'


@pytest.fixture(scope='module')
def glance(identity_server, image_server):
    conn = openstack.connect(**identity_server.cloud_config(
        'demo-user', fixtures.USER_PASSWORD, 'demo'))
    yield glance_client.Client('2', endpoint=image_server.url, session=conn.session)
    conn.close()


def test_missing_image_raises_not_found(glance):
    with pytest.raises(glance_exc.HTTPNotFound) as caught:
        glance.images.get(MISSING)
    assert 'No image found with ID %s' % MISSING in str(caught.value)
    with pytest.raises(glance_exc.HTTPNotFound):
        glance.images.delete(MISSING)


def test_create_update_and_refusals(glance):
    image = glance.images.create(name='gc-image', disk_format='raw', container_format='bare',
                                 protected=True)
    with pytest.raises(glance_exc.HTTPForbidden) as caught:
        glance.images.delete(image['id'])
    assert 'protected' in str(caught.value)
    glance.images.update(image['id'], protected=False, name='gc-renamed')
    assert glance.images.get(image['id'])['name'] == 'gc-renamed'
    glance.images.delete(image['id'])
    with pytest.raises(glance_exc.HTTPNotFound):
        glance.images.get(image['id'])
