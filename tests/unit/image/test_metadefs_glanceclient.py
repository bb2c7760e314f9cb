"""python-glanceclient's metadefs calls (what Horizon makes on its image,
launch and "Update Metadata" pages) against the in-process API.  The client
validates what it reads against our /v2/schemas/metadefs documents."""

import pytest

from services.image import metadef_catalogue

from tests.unit.image.conftest import ADMIN
from tests.unit.image.wsgi_adapter import WSGIAdapter
from tests.unit.image.test_glanceclient import glance_client
from tests.unit.image.test_glanceclient import glance_exc
from tests.unit.image.test_glanceclient import glance  # noqa: F401  (fixture)


@pytest.fixture
def admin_glance(api):
    client = glance_client.Client('2', endpoint='http://image.test:9292', token='t',
                                  identity_headers=dict(ADMIN))
    client.http_client.session.mount('http://', WSGIAdapter(api.app))
    return client


def test_horizon_reads(glance):  # noqa: F811
    metadef_catalogue.load()
    types = [r['name'] for r in glance.metadefs_resource_type.list()]
    assert 'OS::Glance::Image' in types
    namespaces = list(glance.metadefs_namespace.list(
        filters={'resource_types': ['OS::Nova::Flavor'], 'visibility': 'public'},
        page_size=2))
    assert 'OS::Compute::Watchdog' in {n['namespace'] for n in namespaces}
    ns = glance.metadefs_namespace.get('OS::Compute::Watchdog',
                                       resource_type='OS::Nova::Flavor')
    assert 'hw:watchdog_action' in ns['properties']
    with pytest.raises(glance_exc.HTTPNotFound):
        glance.metadefs_namespace.get('No::Such::Namespace')


def test_admin_writes(admin_glance):
    ns = admin_glance.metadefs_namespace.create(namespace='GC::NS', visibility='public')
    assert ns['namespace'] == 'GC::NS'
    admin_glance.metadefs_object.create('GC::NS', name='obj', properties={
        'p': {'title': 'P', 'type': 'string'}})
    assert [o['name'] for o in admin_glance.metadefs_object.list('GC::NS')] == ['obj']
    admin_glance.metadefs_property.create('GC::NS', name='prop', title='Prop',
                                          type='integer')
    assert [p['name'] for p in admin_glance.metadefs_property.list('GC::NS')] == ['prop']
    list(admin_glance.metadefs_tag.create_multiple('GC::NS', tags=['a', 'b']))
    assert sorted(t['name'] for t in admin_glance.metadefs_tag.list('GC::NS')) == ['a', 'b']
    admin_glance.metadefs_resource_type.associate('GC::NS', name='OS::Glance::Image')
    assert [a['name'] for a in admin_glance.metadefs_resource_type.get('GC::NS')] == [
        'OS::Glance::Image']
    admin_glance.metadefs_namespace.update('GC::NS', protected=True)
    with pytest.raises(glance_exc.HTTPForbidden):
        admin_glance.metadefs_namespace.delete('GC::NS')
    admin_glance.metadefs_namespace.update('GC::NS', protected=False)
    admin_glance.metadefs_namespace.delete('GC::NS')


def test_every_catalogue_namespace_reads_back_through_glanceclient(glance):  # noqa: F811
    metadef_catalogue.load()
    for entry in metadef_catalogue.CATALOGUE:
        for assoc in entry['resource_type_associations']:
            ns = glance.metadefs_namespace.get(entry['namespace'],
                                               resource_type=assoc['name'])
            prefix = assoc.get('prefix', '')
            assert set(ns['properties']) == {prefix + p for p in entry['properties']}
