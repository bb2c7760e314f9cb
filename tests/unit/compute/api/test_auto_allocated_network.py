"""``networks: "auto"`` (2.37) when the project has no network to attach to:
as nova, the server gets the network service's auto-allocated topology (one
network per project, built on first ask); without a default external network
to build it from, the create is a 400."""

from services.compute.clients import fake as fake_clients
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import DEMO, headers


def _networks(env, *networks):
    """Replace the fake network service's networks with ``networks``."""
    store = fake_clients._Store(str(env.tmp_path / 'fake'), 'networks.json')

    def replace(data):
        data.clear()
        data.update({n['id']: n for n in networks})
    store.update(replace)


_PUBLIC = {'id': 'e1f0c9f6-0b53-4e6a-8f47-2f4f3c2a9b10', 'name': 'public',
           'router:external': True, 'shared': False}


def _boot(cloud, status=202, **server):
    body = {'server': dict({'name': 'vm', 'imageRef': fixtures.IMAGE_ID,
                            'flavorRef': 'm1.nano', 'networks': 'auto'}, **server)}
    return cloud.app.post_json('/v2.1/servers', body, headers=headers(DEMO, '2.37'),
                               status=status)


def _network_names(cloud, server_id):
    cloud.wait(server_id, 'ACTIVE')
    return set(cloud.show(server_id)['addresses'])


def test_without_a_default_external_network_auto_is_a_400(cloud, env):
    _networks(env, _PUBLIC)
    resp = _boot(cloud, status=400)
    assert 'Unable to automatically allocate a network' in resp.json['badRequest']['message']


def test_auto_takes_the_projects_auto_allocated_network(cloud, env):
    _networks(env, dict(_PUBLIC, is_default=True))
    first = _boot(cloud).json['server']['id']
    assert _network_names(cloud, first) == {'auto_allocated_network'}
    # a multi-create and a later server share the one network
    _boot(cloud, min_count=2, max_count=2)
    listed = cloud.app.get('/v2.1/servers/detail', headers=headers(DEMO, '2.37')).json
    assert len(listed['servers']) == 3
    for server in listed['servers']:
        assert _network_names(cloud, server['id']) == {'auto_allocated_network'}
    store = fake_clients._Store(str(env.tmp_path / 'fake'), 'networks.json').read()
    assert [n['project_id'] for n in store.values() if n.get('auto_allocated')] == ['demo']


def test_a_project_with_a_network_does_not_get_one_allocated(cloud, env):
    _networks(env, dict(_PUBLIC, is_default=True),
              {'id': '0d6c3c1e-9a55-4a8e-a6a9-0f5e3b8f2c44', 'name': 'mine',
               'project_id': 'demo', 'shared': False})
    assert _network_names(cloud, _boot(cloud).json['server']['id']) == {'mine'}
