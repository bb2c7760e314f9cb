"""openstacksdk (the `openstack` CLI's library) on metadefs and tasks, through
the in-process app."""

import pytest
import requests
from keystoneauth1 import noauth
from keystoneauth1 import session as ks_session

from services.image import metadef_catalogue

from tests.unit.image.wsgi_adapter import WSGIAdapter

openstack = pytest.importorskip('openstack')


@pytest.fixture
def conn(api):
    http = requests.Session()
    http.mount('http://', WSGIAdapter(api.app))
    sess = ks_session.Session(auth=noauth.NoAuth(), session=http)
    return openstack.connection.Connection(
        session=sess, image_endpoint_override='http://image.test:9292/v2',
        image_api_version='2')


def test_metadefs_through_the_sdk(conn):
    metadef_catalogue.load()
    names = {n.namespace for n in conn.image.metadef_namespaces()}
    assert 'OS::Compute::LibvirtImage' in names
    ns = conn.image.get_metadef_namespace('OS::Compute::LibvirtImage')
    assert ns.is_protected and ns.visibility == 'public'
    types = {r.name for r in conn.image.metadef_resource_types()}
    assert 'OS::Nova::Flavor' in types
    made = conn.image.create_metadef_namespace(namespace='SDK::NS', visibility='private')
    assert made.namespace == 'SDK::NS'
    conn.image.delete_metadef_namespace('SDK::NS')
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.image.get_metadef_namespace('SDK::NS')


def test_tasks_through_the_sdk(conn):
    assert list(conn.image.tasks()) == []
