import pytest
import webtest

from tests.unit.compute import fixtures


@pytest.fixture
def env(tmp_path):
    environment = fixtures.ComputeEnv(tmp_path).start()
    yield environment
    environment.stop()


@pytest.fixture
def app(env):
    from common import config
    from services.compute.api import app as api_app
    return webtest.TestApp(api_app.build(config.CONF))


@pytest.fixture
def cloud(env, app):
    """A cloud with a flavor and one compute host, settled after the test
    (modules that need another cloud define their own)."""
    from tests.unit.compute.test_server_flow import Cloud
    c = Cloud(env, app)
    c.flavor()
    c.add_compute('node1')
    yield c
    c.settle()


ADMIN = {'X-User-Id': 'admin', 'X-Project-Id': 'admin', 'X-Roles': 'admin,member,reader'}
DEMO = {'X-User-Id': 'demo-user', 'X-Project-Id': 'demo', 'X-Roles': 'member,reader'}


def headers(base=ADMIN, version='2.53'):
    values = dict(base)
    values['OpenStack-API-Version'] = 'compute %s' % version
    return values
