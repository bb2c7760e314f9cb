"""The issue's acceptance list, run with the real ``openstack`` CLI against
alto-identity-api on SQLite: tokens and the catalog."""

import pytest

from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def admin(identity_server):
    return CLI(identity_server)


def test_token_issue_and_revoke(admin):
    token = admin.json('token', 'issue')
    assert token['project_id'] and token['user_id']
    admin.run('token', 'revoke', token['id'])


def test_catalog_list_and_show(admin):
    catalog = admin.json('catalog', 'list')
    assert [c['Type'] for c in catalog] == ['identity']
    shown = admin.json('catalog', 'show', 'identity')
    assert shown['type'] == 'identity'


def test_region_service_endpoint_lifecycle(admin):
    admin.json('region', 'create', '--description', 'second', 'RegionTwo')
    admin.run('region', 'set', '--description', 'two', 'RegionTwo')
    assert admin.json('region', 'show', 'RegionTwo')['description'] == 'two'
    assert 'RegionTwo' in [r['Region'] for r in admin.json('region', 'list')]
    service = admin.json('service', 'create', '--name', 'glance', '--description', 'img',
                         'image')
    admin.run('service', 'set', '--description', 'images', 'glance')
    assert admin.json('service', 'show', 'glance')['description'] == 'images'
    endpoint = admin.json('endpoint', 'create', '--region', 'RegionTwo', 'image', 'public',
                          'http://127.0.0.1:9292')
    admin.run('endpoint', 'set', '--url', 'http://127.0.0.1:9293', endpoint['id'])
    assert admin.json('endpoint', 'show', endpoint['id'])['url'] == 'http://127.0.0.1:9293'
    listed = admin.json('endpoint', 'list', '--service', 'image')
    assert [e['ID'] for e in listed] == [endpoint['id']]
    assert 'image' in [c['Type'] for c in admin.json('catalog', 'list')]
    admin.run('endpoint', 'delete', endpoint['id'])
    admin.run('service', 'delete', service['id'])
    admin.run('region', 'delete', 'RegionTwo')
    assert 'RegionTwo' not in [r['Region'] for r in admin.json('region', 'list')]
