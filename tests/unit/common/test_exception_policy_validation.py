import oslo_messaging as messaging
import pytest
from oslo_config import cfg
from oslo_policy import policy as oslo_policy

from common import context
from common import exception
from common import policy
from common import validation


class WidgetNotFound(exception.NotFound):
    msg_fmt = 'Could not find widget %(widget_id)s.'


def test_message_formatting_and_fallback():
    assert WidgetNotFound(widget_id='w1').message == 'Could not find widget w1.'
    assert WidgetNotFound().message == 'Could not find widget %(widget_id)s.'
    assert WidgetNotFound('custom').message == 'custom'
    assert WidgetNotFound.code == 404


def test_exception_survives_rpc_serialization():
    exc = WidgetNotFound(widget_id='w1')
    data = messaging.exceptions.__name__  # oslo.messaging is importable
    assert data
    from oslo_messaging import _utils  # noqa: F401
    from oslo_messaging._drivers import common as driver_common
    wire = driver_common.serialize_remote_exception((type(exc), exc, None))
    rebuilt = driver_common.deserialize_remote_exception(wire, [__name__])
    assert isinstance(rebuilt, WidgetNotFound)
    assert rebuilt.code == 404 and 'w1' in rebuilt.message


def make_enforcer():
    conf = cfg.ConfigOpts()
    conf([], project='altostratus-test')
    rules = [oslo_policy.RuleDefault('widget:get', 'rule:admin_or_reader'),
             oslo_policy.RuleDefault('widget:delete', 'rule:admin_api')]
    return policy.make_enforcer(conf, rules)


def ctx(roles, project='p1'):
    return context.RequestContext(user_id='u', project_id=project, roles=roles)


def test_policy_personas():
    enforcer = make_enforcer()
    target = {'project_id': 'p1'}
    assert policy.authorize(enforcer, ctx(['reader']), 'widget:get', target)
    with pytest.raises(exception.PolicyNotAuthorized):
        policy.authorize(enforcer, ctx(['reader'], project='p2'), 'widget:get', target)
    with pytest.raises(exception.Forbidden):
        policy.authorize(enforcer, ctx(['member']), 'widget:delete', target)
    assert policy.authorize(enforcer, ctx(['admin'], project='other'), 'widget:delete', target)
    assert not policy.authorize(enforcer, ctx(['member']), 'widget:delete', target,
                                do_raise=False)
    with pytest.raises(exception.Forbidden):
        policy.authorize(enforcer, ctx(['admin']), 'widget:unregistered', target)


def test_validation():
    schema = {'type': 'object', 'properties': {'name': {'type': 'string', 'maxLength': 3}},
              'required': ['name'], 'additionalProperties': False}
    assert validation.validate(schema, {'name': 'abc'})
    with pytest.raises(exception.ValidationError) as err:
        validation.validate(schema, {'name': 'abcd'})
    assert "'name'" in err.value.message
    with pytest.raises(exception.ValidationError):
        validation.validate(schema, {})
    with pytest.raises(exception.ValidationError):
        validation.parse_json(b'{not json')
    with pytest.raises(exception.ValidationError):
        validation.parse_json(b'')
    assert validation.parse_json(b'{"a": 1}') == {'a': 1}


def test_validator_cache_is_bounded(monkeypatch):
    # a schema built per request must not pin a validator for the daemon's life
    monkeypatch.setattr(validation, 'VALIDATOR_CACHE_SIZE', 8)
    monkeypatch.setattr(validation, '_VALIDATORS', type(validation._VALIDATORS)())
    constant = {'type': 'object'}
    for index in range(50):
        validation.validate({'type': 'object', 'maxProperties': index + 1}, {})
        validation.validate(constant, {})
    assert len(validation._VALIDATORS) <= 8
    # the schema used all along stayed cached (least recently used goes first)
    assert validation._VALIDATORS[id(constant)][0] is constant


def test_context_roundtrip_and_elevated():
    c = context.RequestContext(user_id='u', project_id='p', roles=['member'],
                               service_catalog=[{'type': 'image'}])
    back = context.RequestContext.from_dict(c.to_dict())
    assert back.project_id == 'p' and back.service_catalog == [{'type': 'image'}]
    admin = c.elevated()
    assert admin.is_admin and 'admin' in admin.roles and 'admin' not in c.roles
