"""Quota limits (stored per project) and usage (counted, never cached)."""

from oslo_config import cfg

from services.compute import exception
from services.compute.objects import base

CONF = cfg.CONF


@base.register
class Quotas(base.ComputeObject):
    VERSION = '1.0'
    fields = {}

    @base.remotable_classmethod
    def get_limits(cls, context, project_id):
        """Effective limits: project overrides on top of the configured defaults."""
        limits = _defaults()
        limits.update(base.db().quota_get_all(project_id))
        return limits

    @base.remotable_classmethod
    def get_usage(cls, context, project_id, user_id=None):
        usage = base.db().instance_usage(project_id)
        usage['server_groups'] = base.db().server_group_count(project_id)
        if user_id:
            usage['key_pairs'] = base.db().keypair_count(user_id)
        return usage

    @base.remotable_classmethod
    def set_limits(cls, context, project_id, limits):
        base.db().quota_set(project_id, limits)

    @base.remotable_classmethod
    def reset(cls, context, project_id):
        base.db().quota_destroy_all(project_id)

    @base.remotable_classmethod
    def check_deltas(cls, context, project_id, deltas):
        """Raise QuotaExceeded if adding ``deltas`` to current usage breaks a limit."""
        limits = cls.get_limits(context, project_id)
        usage = base.db().instance_usage(project_id)
        usage['server_groups'] = base.db().server_group_count(project_id)
        over = [name for name, delta in deltas.items()
                if limits.get(name, -1) >= 0 and usage.get(name, 0) + delta > limits[name]]
        if over:
            name = sorted(over)[0]
            raise exception.QuotaExceeded(resources=name, req=deltas[name],
                                          used=usage.get(name, 0), allowed=limits[name])
        return True


@base.register
class QuotaClass(base.ComputeObject):
    """A named set of limits (nova's quota classes); the ``default`` class
    replaces the configured defaults for every project."""
    VERSION = '1.0'
    fields = {}

    @base.remotable_classmethod
    def get_limits(cls, context, class_name):
        limits = {name: getattr(CONF.quota, name) for name in _resources()}
        limits.update(base.db().quota_class_get_all(class_name))
        return limits

    @base.remotable_classmethod
    def set_limits(cls, context, class_name, limits):
        base.db().quota_class_set(class_name, limits)


def _defaults():
    """The configured defaults, with the ``default`` class's on top
    (compatibility quotas included when that class set them)."""
    limits = {name: getattr(CONF.quota, name) for name in _resources()}
    limits.update(base.db().quota_class_get_all(DEFAULT_CLASS))
    return limits


DEFAULT_CLASS = 'default'


def _resources():
    from services.compute.conf import quota
    return quota.RESOURCES
