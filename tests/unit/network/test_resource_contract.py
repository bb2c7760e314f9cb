"""Contract of the generic resource RPC: what the API sends by name is what
the conductor's table serves, and the table holds nothing the API never sends.

The API is driven through every collection URL (every verb, tags, QoS rule
sub-resources) against a conductor stand-in that records the generic calls;
the record is then held against ``conductor.resources.RESOURCES``.
"""

import pytest
import webtest
from oslo_config import cfg

from services.network import exception
from services.network.api import schemas
from services.network.api.controllers import base
from services.network.api.controllers import qos as qos_controllers
from services.network.api.controllers import root
from services.network.conductor import resources
from services.network.conductor import tags
from services.network.conductor import wire
from tests.unit.network.conftest import ADMIN

CONF = cfg.CONF
ID = '6c6f6e67-0000-4000-8000-000000000001'
# RPC method of the generic verbs -> the registry's verb.
GENERIC = {'get_resource': 'get', 'list_resources': 'list',
           'list_resources_compact': 'list', 'create_resource': 'create',
           'update_resource': 'update', 'delete_resource': 'delete', 'update_tags': 'tags'}
# A valid value for every attribute a create requires.
SAMPLES = {'network_id': ID, 'ip_version': 4, 'floating_network_id': ID,
           'security_group_id': ID, 'direction': 'ingress', 'prefixes': ['10.0.0.0/8'],
           'name': 'x', 'metering_label_id': ID, 'object_type': 'network', 'object_id': ID,
           'action': 'access_as_shared', 'port_id': ID,
           'network_type': 'vxlan'}


class RecordingConductor:
    """Answers every call plausibly and records the generic ones."""

    def __init__(self):
        self.sent = set()

    def _item(self, resource, resource_id):
        return {'id': resource_id, 'project_id': ADMIN['X-Project-Id'], 'network_id': ID,
                'tags': ['t'], 'qos_policy_id': ID, 'type': 'bandwidth_limit',
                'security_group_id': ID}

    def get_resource(self, context, resource, resource_id):
        self.sent.add((resource, 'get'))
        return self._item(resource, resource_id)

    def list_resources_compact(self, context, resource, filters=None, sorts=None,
                               limit=None, marker=None, page_reverse=False, fields=None,
                               hidden=None):
        self.sent.add((resource, 'list'))
        return wire.render_dicts([self._item(resource, ID)])

    def create_resource(self, context, resource, body):
        self.sent.add((resource, 'create'))
        return dict(self._item(resource, ID), **body)

    def update_resource(self, context, resource, resource_id, body):
        self.sent.add((resource, 'update'))
        return self._item(resource, resource_id)

    def delete_resource(self, context, resource, resource_id):
        self.sent.add((resource, 'delete'))

    def update_tags(self, context, resource, resource_id, replace=None, add=None,
                    remove=None):
        self.sent.add((resource, 'tags'))
        return []

    def __getattr__(self, name):
        # Routers' member actions, quotas, availability: not resource verbs.
        if name.startswith('_') or name in GENERIC:
            raise AttributeError(name)
        return lambda *args, **kwargs: {}


def _controllers(cls=base.ResourceController):
    for sub in cls.__subclasses__():
        yield sub
        yield from _controllers(sub)


def _drive(app, resource, path):
    """Every verb on ``/v2.0/<path>``, its items, their tags."""
    headers, one = ADMIN, '/v2.0/%s/%s' % (path, ID)
    body = {resource: {k: SAMPLES[k] for k in schemas.REQUIRED.get(resource, ())}}
    app.get('/v2.0/' + path, headers=headers, status='*')
    app.post_json('/v2.0/' + path, body, headers=headers, status='*')
    app.get(one, headers=headers, status='*')
    app.put_json(one, {resource: {}}, headers=headers, status='*')
    app.delete(one, headers=headers, status='*')
    app.get(one + '/tags', headers=headers, status='*')
    app.put_json(one + '/tags', {'tags': ['a']}, headers=headers, status='*')
    app.put(one + '/tags/a', headers=headers, status='*')
    app.delete(one + '/tags/a', headers=headers, status='*')
    app.delete(one + '/tags', headers=headers, status='*')


@pytest.fixture(scope='module')
def sent(transport):
    from services.network.api import app as api_app

    CONF.set_override('auth_strategy', 'noauth', group='api')
    conductor = RecordingConductor()
    app = webtest.TestApp(api_app.build(CONF, conductor=conductor))
    for resource, path in root.COLLECTIONS:
        _drive(app, resource, path)
    for segment, rule_type in qos_controllers.RULE_PATHS.items():
        rules = '/v2.0/qos/policies/%s/%s' % (ID, segment)
        key = '%s_rule' % rule_type
        app.get(rules, headers=ADMIN, status='*')
        app.post_json(rules, {key: {}}, headers=ADMIN, status='*')
        app.get(rules + '/' + ID, headers=ADMIN, status='*')
        app.put_json(rules + '/' + ID, {key: {}}, headers=ADMIN, status='*')
        app.delete(rules + '/' + ID, headers=ADMIN, status='*')
    CONF.clear_override('auth_strategy', group='api')
    return conductor.sent


def _served(name, verb):
    handler = resources.RESOURCES[name]
    if verb == 'tags':
        return name in tags.TAGGABLE
    return getattr(handler, {'get': 'rows', 'list': 'list'}.get(verb, verb)) is not None


def test_every_controller_is_driven():
    driven = {resource for resource, _ in root.COLLECTIONS}
    assert {c.resource for c in _controllers()} <= driven


def test_the_api_sends_only_what_the_conductor_serves(sent):
    names = {name for name, _ in sent}
    assert names <= set(resources.RESOURCES), names - set(resources.RESOURCES)
    unserved = {(name, verb) for name, verb in sent if not _served(name, verb)}
    assert unserved == set()


def test_the_conductor_serves_nothing_the_api_never_sends(sent):
    for name in resources.RESOURCES:
        declared = {verb for verb in ('get', 'list', 'create', 'update', 'delete')
                    if _served(name, verb)}
        if name in tags.TAGGABLE:
            declared.add('tags')
        assert declared == {verb for n, verb in sent if n == name}, name


def test_tagged_resources_are_the_api_taggable_ones():
    assert set(tags.TAGGABLE) == {c.resource for c in _controllers() if c.taggable}


@pytest.mark.parametrize('name', sorted(resources.RESOURCES))
def test_not_found_is_the_api_not_found(name):
    """The conductor's 404 for a row the caller does not find is the API's
    404 for the resource: same type, same message."""
    conductor_exc = resources.RESOURCES[name].rows.not_found(ID)
    assert isinstance(conductor_exc, exception.NotFound)
    api_not_found = base.NOT_FOUND.get(name)
    if api_not_found is None:  # QoS rules: the rule's own 404 only
        return
    api_exc = api_not_found(ID)
    assert (type(conductor_exc), conductor_exc.message) == (type(api_exc), api_exc.message)
