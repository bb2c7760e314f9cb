"""Identity API on the in-memory backend, driven in-process with WebTest."""

import pytest
import webtest
from oslo_config import cfg

from common import conf as common_conf
from services.identity import bootstrap
from services.identity import conf as identity_conf
from services.identity.api import app as identity_app
from services.identity.backends import load_drivers
from services.identity.core import credential_keys
from services.identity.token import keys

ADMIN_PASSWORD = 'secret-admin'


def make_conf(tmp_path, credential_keys_setup=True, **overrides):
    conf = cfg.ConfigOpts()
    common_conf.register_opts(conf)
    identity_conf.register_opts(conf)
    conf([], project='altostratus', default_config_files=[])
    conf.set_override('backend', 'memory', group='storage')
    conf.set_override('state_path', str(tmp_path))
    # cheap hashes keep the suite fast; the cost is a config option
    conf.set_override('password_hash_rounds', 4, group='identity')
    conf.set_override('revoke_refresh_interval', 0, group='token')
    for (group, name), value in overrides.items():
        conf.set_override(name, value, group=group)
    keys.setup(conf.fernet_tokens.key_repository, conf.fernet_tokens.max_active_keys)
    if credential_keys_setup:
        credential_keys.setup(conf)
    return conf


class Cloud:
    """The app plus helpers to get tokens and make authenticated calls."""

    def __init__(self, conf):
        self.conf = conf
        app, self.managers = identity_app.build(conf, load_drivers(conf))
        self.app = webtest.TestApp(app)
        self.boot = bootstrap.bootstrap(self.managers, bootstrap.BootstrapOptions(
            password=ADMIN_PASSWORD, region_id='RegionOne',
            public_url='http://127.0.0.1:5000/v3'), log=lambda msg: None)
        self.admin_token = self.password_token('admin', ADMIN_PASSWORD, project='admin')

    def password_token(self, user, password, project=None, domain=None, system=False,
                       status=201):
        body = {'auth': {'identity': {'methods': ['password'], 'password': {
            'user': {'name': user, 'domain': {'id': 'default'}, 'password': password}}}}}
        if project:
            body['auth']['scope'] = {'project': {'name': project, 'domain': {'id': 'default'}}}
        elif domain:
            body['auth']['scope'] = {'domain': {'id': domain}}
        elif system:
            body['auth']['scope'] = {'system': {'all': True}}
        resp = self.app.post_json('/v3/auth/tokens', body, status=status)
        return resp.headers.get('X-Subject-Token')

    def call(self, method, path, body=None, token=None, status=None, headers=None):
        hdrs = {'X-Auth-Token': token or self.admin_token}
        hdrs.update(headers or {})
        func = getattr(self.app, method.lower() + ('_json' if body is not None else ''))
        kwargs = {'headers': hdrs, 'status': status if status is not None else '*'}
        if body is not None:
            return func(path, body, **kwargs)
        return func(path, **kwargs)

    def make_member(self, name='alice', project='demo', password='pw-alice'):
        m = self.managers
        try:
            proj = m.resource.get_project_by_name(project, 'default')
        except Exception:
            proj = m.resource.create_project({'name': project, 'domain_id': 'default'})
        user = m.identity.create_user({'name': name, 'domain_id': 'default',
                                       'password': password})
        member = m.assignment.get_role_by_name('member')
        m.assignment.create_grant(member['id'], 'user', user['id'], 'project', proj['id'])
        return user, proj


@pytest.fixture
def conf(tmp_path):
    return make_conf(tmp_path)


@pytest.fixture
def cloud(conf):
    return Cloud(conf)
