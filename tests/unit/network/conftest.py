"""In-process network service: conductor on the fake:// transport, SQLite in a
temp dir, the API over WebTest with noauth."""

import uuid

import oslo_messaging as messaging
import pytest
import webtest
from oslo_config import cfg

from common import config
from common import db
from common import rpc
from services.network import conf as network_conf

CONF = cfg.CONF
ADMIN = {'X-Project-Id': 'admin-project', 'X-User-Id': 'admin', 'X-Roles': 'admin,member,reader'}


def member(project):
    return {'X-Project-Id': project, 'X-User-Id': 'user-' + project,
            'X-Roles': 'member,reader'}


def _register():
    config.register_common_opts(CONF)
    network_conf.register_opts(CONF)
    db.register_opts(CONF, 'sqlite://')


@pytest.fixture(scope='session')
def transport():
    _register()
    CONF([], project='altostratus', default_config_files=[])
    from oslo_messaging import opts as messaging_opts
    for group, opts in messaging_opts.list_opts():
        if group is None:
            CONF.register_opts(opts)
    CONF.set_override('transport_url', 'fake://')
    transport = rpc.init(CONF, exmods=['services.network.exception'])
    yield transport


@pytest.fixture
def database(tmp_path, transport):
    url = 'sqlite:///%s' % (tmp_path / 'network.sqlite')
    CONF.set_override('connection', url, group='database')
    db.allow()
    db.reset('network')
    db.sync('network', url)
    from services.network.db import api as db_api
    db_api.configure(CONF)
    yield url
    db.reset('network')
    CONF.clear_override('connection', group='database')


class RecordingNotifier:
    """Captures agent fanouts so tests can assert on them."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        return lambda context, *args, **kwargs: self.calls.append((name, args, kwargs))


@pytest.fixture
def notifier():
    return RecordingNotifier()


@pytest.fixture
def conductor(database, notifier):
    """The conductor manager served on a unique fake topic."""
    from services.network.conductor import agent_manager
    from services.network.conductor import manager
    from services.network.conductor import rpcapi

    topic = 'network-conductor-%s' % uuid.uuid4().hex[:8]
    target = messaging.Target(topic=topic, server='test')
    mgr = manager.NetworkConductorManager(notifier)
    server = rpc.get_server(target, [mgr, agent_manager.AgentPluginManager(notifier)])
    server.start()
    CONF.set_override('topic', topic, group='network_conductor')
    client = rpcapi.NetworkConductorAPI()
    yield client
    server.stop()
    server.wait()
    CONF.clear_override('topic', group='network_conductor')


@pytest.fixture
def api(conductor):
    from services.network.api import app

    CONF.set_override('auth_strategy', 'noauth', group='api')
    test_app = webtest.TestApp(app.build(CONF, conductor=conductor))
    yield ApiClient(test_app)
    CONF.clear_override('auth_strategy', group='api')


class ApiClient:
    """Thin helper: JSON calls as admin by default, or as ``headers``."""

    def __init__(self, app):
        self.app = app

    def _headers(self, headers):
        return dict(headers or ADMIN)

    def get(self, path, headers=None, status=200):
        return self.app.get('/v2.0' + path, headers=self._headers(headers), status=status)

    def post(self, path, body, headers=None, status=201):
        return self.app.post_json('/v2.0' + path, body, headers=self._headers(headers),
                                  status=status)

    def put(self, path, body, headers=None, status=200):
        return self.app.put_json('/v2.0' + path, body, headers=self._headers(headers),
                                 status=status)

    def delete(self, path, headers=None, status=204):
        return self.app.delete('/v2.0' + path, headers=self._headers(headers), status=status)

    # Shortcuts used throughout the tests.
    def network(self, headers=None, **attrs):
        return self.post('/networks', {'network': dict({'name': 'net'}, **attrs)},
                         headers).json['network']

    def subnet(self, network_id, cidr='10.0.0.0/24', headers=None, **attrs):
        body = dict({'network_id': network_id, 'cidr': cidr, 'ip_version': 4}, **attrs)
        return self.post('/subnets', {'subnet': body}, headers).json['subnet']

    def port(self, network_id, headers=None, **attrs):
        return self.post('/ports', {'port': dict({'network_id': network_id}, **attrs)},
                         headers).json['port']
