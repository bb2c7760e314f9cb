import pytest
import webtest
from oslo_config import cfg

from common import config
from common import db
from services.image import conf as image_conf
from services.image import db as image_db
from services.image import store as image_store
from services.image.api import app
from services.image.api import policies
from services.image.store import fake


@pytest.fixture
def conf(tmp_path):
    conf = cfg.ConfigOpts()
    config.common_conf.register_opts(conf)
    image_conf.register_opts(conf)
    image_db.register_opts(conf)
    conf([], project='altostratus', default_config_files=[])
    url = 'sqlite:///%s' % (tmp_path / 'image.sqlite')
    conf.set_override('connection', url, group='database')
    conf.set_override('auth_strategy', 'noauth', group='api')
    conf.set_override('state_path', str(tmp_path))
    db.reset('image')
    db.sync('image', url)
    db.configure('image', conf)
    yield conf
    conf._unset_defaults_and_overrides()
    db.reset('image')
    policies.reset()
    image_store.reset_fakes()


@pytest.fixture
def store():
    return fake.FakeStore()


@pytest.fixture
def api(conf, store):
    # Errors come back as webob's JSON page for this Accept, as openstacksdk asks.
    return webtest.TestApp(app.setup_app(conf, store=store, staging=fake.FakeStore()),
                           extra_environ={'HTTP_ACCEPT': 'application/json'})


ADMIN = {'X-Project-Id': 'admin', 'X-User-Id': 'admin', 'X-Roles': 'admin,member,reader'}
ALICE = {'X-Project-Id': 'proj-a', 'X-User-Id': 'alice', 'X-Roles': 'member,reader'}
BOB = {'X-Project-Id': 'proj-b', 'X-User-Id': 'bob', 'X-Roles': 'member,reader'}
PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'


def message(body):
    """The text of a webob JSON error page, without webob's trailing markup."""
    return body['message'].split('<br />')[0].strip()
