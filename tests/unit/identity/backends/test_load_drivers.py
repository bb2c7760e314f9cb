"""load_drivers() picks the backends named in the configuration."""

import pytest
from oslo_config import cfg

from common import db
from common.conf import default
from services.identity import backends
from services.identity.backends import memory
from services.identity.backends import sql
from services.identity.backends import templated
from services.identity import db as identity_db
from services.identity.conf import storage


@pytest.fixture
def conf(tmp_path):
    c = cfg.ConfigOpts()
    default.register_opts(c)
    storage.register_opts(c)
    identity_db.register_opts(c)
    c([])
    c.set_override('state_path', str(tmp_path))
    yield c
    # oslo.config keeps overrides on the (shared) option group objects
    c.reset()


def test_defaults(conf):
    assert conf.storage.backend == 'sql'
    assert conf.catalog.driver == 'sql'
    assert conf.catalog.template_file == '/etc/altostratus/default_catalog.templates'
    assert conf.database.connection == 'sqlite:///%s/identity.sqlite' % conf.state_path
    groups = {str(group) for group, _ in storage.list_opts()}
    assert groups == {'storage', 'catalog'}
    assert [str(group) for group, _ in identity_db.list_opts()] == ['database']


def test_memory_backend(conf):
    conf.set_override('backend', 'memory', 'storage')
    drivers = backends.load_drivers(conf)
    assert drivers._fields == ('resource', 'identity', 'assignment', 'catalog',
                               'app_cred', 'revoke', 'credential', 'trust', 'records')
    # memory drivers of later concerns live in memory_<concern> modules
    assert all(type(d).__module__.startswith(memory.__name__) for d in drivers[:-1])
    assert all(type(d).__module__.startswith(memory.__name__)
               for d in drivers.records.values())


def test_memory_backend_with_templated_catalog(conf, tmp_path):
    template = tmp_path / 'catalog.templates'
    template.write_text('catalog.RegionOne.identity.publicURL = http://127.0.0.1:5000/v3\n')
    conf.set_override('backend', 'memory', 'storage')
    conf.set_override('driver', 'templated', 'catalog')
    conf.set_override('template_file', str(template), 'catalog')
    drivers = backends.load_drivers(conf)
    assert isinstance(drivers.catalog, templated.CatalogDriver)
    assert isinstance(drivers.resource, memory.ResourceDriver)
    assert drivers.catalog.get_catalog()[0]['type'] == 'identity'


def test_sql_backend_uses_the_identity_enginefacade(conf):
    db.reset('identity')
    try:
        identity_db.sync(conf)
        assert identity_db.current_revision(conf) == '0009'
        drivers = backends.load_drivers(conf)
        assert isinstance(drivers.resource, sql.ResourceDriver)
        drivers.resource.create_domain({'id': 'default', 'name': 'Default'})
        # a second load in the same process reuses the started facade
        again = backends.load_drivers(conf)
        assert again.resource.get_domain('default')['name'] == 'Default'
    finally:
        context = db.get_context_manager('identity')
        if context.is_started:
            context.writer.get_engine().dispose()
        db.reset('identity')
