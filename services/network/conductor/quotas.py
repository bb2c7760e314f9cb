"""Per-project quotas: limits in the ``quotas`` table over config defaults,
usage counted from the resource tables inside the creating transaction."""

from oslo_config import cfg
import sqlalchemy as sa

from services.network import exception
from services.network.api import schemas
from services.network.conf import quotas as quota_conf
from services.network.db import models

CONF = cfg.CONF

RESOURCE_MODELS = {
    'network': models.Network, 'subnet': models.Subnet, 'subnetpool': models.SubnetPool,
    'port': models.Port, 'router': models.Router, 'floatingip': models.FloatingIP,
    'security_group': models.SecurityGroup, 'security_group_rule': models.SecurityGroupRule,
}
RESOURCES = tuple(quota_conf.DEFAULTS)


def defaults():
    return {name: getattr(CONF.quotas, 'quota_%s' % name) for name in RESOURCES}


def limits(session, project_id):
    values = defaults()
    for row in session.query(models.Quota).filter_by(project_id=project_id):
        if row.resource in values:
            values[row.resource] = row.limit
    return values


def usage(session, project_id, resource):
    model = RESOURCE_MODELS[resource]
    return session.query(sa.func.count(model.id)).filter(
        model.project_id == project_id).scalar()


def check(session, project_id, resource, delta=1):
    """Raise OverQuota if ``delta`` more ``resource`` would pass the limit."""
    if not project_id:
        return
    limit = limits(session, project_id)[resource]
    if limit < 0:
        return
    if usage(session, project_id, resource) + delta > limit:
        raise exception.OverQuota(overs=resource)


def details(session, project_id):
    return {name: {'limit': limit, 'used': usage(session, project_id, name), 'reserved': 0}
            for name, limit in limits(session, project_id).items()}


def update(session, project_id, values):
    """Set limits; with ``check_limit`` (the quota-check-limit extension) a
    limit below current usage is refused."""
    values = dict(values)
    check_limit = values.pop('check_limit', False) and not values.pop('force', False)
    values.pop('force', None)
    for resource, limit in values.items():
        if resource not in RESOURCES:
            raise exception.InvalidInput(error_message='Unknown quota resources [%s]'
                                         % resource)
        try:
            limit = int(limit)
        except (TypeError, ValueError):
            raise exception.InvalidInput(error_message="'%s' is not an integer" % limit)
        if not -1 <= limit <= schemas.DB_INT_MAX:
            raise exception.InvalidInput(
                error_message="'%s' should be between -1 and %d" % (limit,
                                                                    schemas.DB_INT_MAX))
        if check_limit and limit >= 0 and usage(session, project_id, resource) > limit:
            raise exception.InvalidInput(
                error_message='Quota limit %d for %s must be greater than or equal to '
                              'the current usage' % (limit, resource))
        row = session.get(models.Quota, (project_id, resource))
        if row is None:
            session.add(models.Quota(project_id=project_id, resource=resource, limit=limit))
        else:
            row.limit = limit
    session.flush()
    return limits(session, project_id)


def delete(session, project_id):
    session.query(models.Quota).filter_by(project_id=project_id).delete()


def projects_with_quotas(session):
    return sorted({r[0] for r in session.query(models.Quota.project_id)})
