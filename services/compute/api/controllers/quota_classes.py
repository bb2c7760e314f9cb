"""os-quota-class-sets (admin): show and update a quota class; the
``default`` class replaces the configured defaults of every project.

Keys per microversion, as nova: below 2.50 the nova-network era quotas
(``fixed_ips``, ``floating_ips``, ``security_groups``,
``security_group_rules``) and no server group quotas; from 2.50 the reverse.
The file injection quotas are shown and taken up to 2.56, as nova."""

from services.compute import exception
from services.compute.api import policies
from services.compute.api.controllers import common
from services.compute.api.controllers import limits as quota_views
from services.compute.api.schemas import types
from services.compute.conf import quota as quota_conf
from services.compute.objects import quota as quota_obj

_SERVER_GROUPS = ('server_groups', 'server_group_members')


def _names_at(version):
    """The quota names of a class at microversion ``(2, version)``."""
    names = [n for n in quota_conf.RESOURCES if version >= 50 or n not in _SERVER_GROUPS]
    if version < 57:
        names += list(quota_views.INJECTED_FILES)
    if version < 50:
        names += list(quota_views.NETWORK_ERA)
    return names


def _update_schema(version):
    names = _names_at(version) + ([] if version >= 50 else ['networks'])
    return {'type': 'object',
            'properties': {'quota_class_set': {
                'type': 'object', 'additionalProperties': False,
                'properties': {n: types.signed_int_or_digits() for n in names}}},
            'required': ['quota_class_set'], 'additionalProperties': False}


# The key set changes at 2.50 and 2.57 only: one schema per band, built once
# (validation caches a validator per schema object, so a schema built per
# request would cost a validator build on every update).
_UPDATE_2_1 = _update_schema(1)
_UPDATE_2_50 = _update_schema(50)
_UPDATE_2_57 = _update_schema(57)


def _names(req):
    return _names_at(57 if req.at_least(57) else 50 if req.at_least(50) else 1)


def _schema(req):
    return (_UPDATE_2_57 if req.at_least(57) else
            _UPDATE_2_50 if req.at_least(50) else _UPDATE_2_1)


def register(r):
    r.add('GET', '/os-quota-class-sets/{class_name}', show)
    r.add('PUT', '/os-quota-class-sets/{class_name}', update)


def _view(req, class_name):
    limits = quota_obj.QuotaClass.get_limits(req.context, class_name)
    defaults = dict(quota_views.INJECTED_FILES, **quota_views.NETWORK_ERA)
    return {name: limits.get(name, defaults.get(name)) for name in _names(req)}


def _check_name(class_name):
    if len(class_name) > 255:
        raise exception.Invalid(reason='Invalid quota class name')


def show(req, class_name):
    policies.authorize(req.context, 'os-quota-class-sets:show')
    _check_name(class_name)
    return {'quota_class_set': dict(_view(req, class_name), id=class_name)}


def update(req, class_name):
    body = common.validate(_schema(req), req.body)['quota_class_set']
    policies.authorize(req.context, 'os-quota-class-sets:update')
    _check_name(class_name)
    body.pop('networks', None)
    values = {name: common.int_in_range(value, name, -1) for name, value in body.items()}
    quota_obj.QuotaClass.set_limits(req.context, class_name, values)
    return {'quota_class_set': _view(req, class_name)}
