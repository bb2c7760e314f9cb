import time

import pytest
import webtest

from tests.unit.volume import fixtures

ADMIN = {'X-User-Id': 'admin', 'X-Project-Id': 'admin', 'X-Roles': 'admin,member,reader'}
DEMO = {'X-User-Id': 'demo-user', 'X-Project-Id': 'demo', 'X-Roles': 'member,reader'}
READER = {'X-User-Id': 'reader-user', 'X-Project-Id': 'demo', 'X-Roles': 'reader'}
OTHER = {'X-User-Id': 'other-user', 'X-Project-Id': 'other', 'X-Roles': 'member,reader'}


def headers(base=DEMO, version='3.44'):
    return dict(base, **{'OpenStack-API-Version': 'volume %s' % version})


@pytest.fixture(scope='module')
def module_env(tmp_path_factory):
    # One in-process service per module (starting one costs a schema sync and
    # RPC servers); every test starts from empty tables.
    environment = fixtures.VolumeEnv(tmp_path_factory.mktemp('volume')).start()
    from services.volume.clients import image
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(image, 'ImageClient', lambda: environment.images)
        yield environment
    environment.stop()


@pytest.fixture
def env(module_env):
    module_env.reset()
    return module_env


@pytest.fixture(scope='module')
def module_app(module_env):
    from common import config
    from services.volume.api import app as api_app
    return webtest.TestApp(api_app.build(config.CONF))


@pytest.fixture
def app(env, module_app):
    return module_app


def wait_for(check, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError('condition not met in %ss' % timeout)
