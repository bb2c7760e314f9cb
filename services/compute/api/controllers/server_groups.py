"""/os-server-groups: the ``policies`` list of 2.1 - 2.63, then from 2.64
one ``policy`` and its ``rules`` (``max_server_per_host`` for anti-affinity)."""

from oslo_config import cfg
from oslo_utils import uuidutils

from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.objects import server_group as group_obj

CONF = cfg.CONF
POLICIES = ('affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity')

_schema = {
    'type': 'object',
    'properties': {'server_group': {
        'type': 'object',
        'properties': {
            'name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
            'policies': {'type': 'array', 'items': {'enum': list(POLICIES)},
                         'minItems': 1, 'maxItems': 1},
        },
        'required': ['name', 'policies'],
        'additionalProperties': False}},
    'required': ['server_group'],
    'additionalProperties': False,
}


_schema_v264 = {
    'type': 'object',
    'properties': {'server_group': {
        'type': 'object',
        'properties': {
            'name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
            'policy': {'enum': list(POLICIES)},
            'rules': {'type': 'object',
                      'properties': {'max_server_per_host': {
                          'type': ['integer', 'string'], 'pattern': '^[0-9]+$',
                          'minimum': 1}},
                      'additionalProperties': False},
        },
        'required': ['name', 'policy'],
        'additionalProperties': False}},
    'required': ['server_group'],
    'additionalProperties': False,
}


def register(r):
    r.add('GET', '/os-server-groups', index)
    r.add('POST', '/os-server-groups', create)
    r.add('GET', '/os-server-groups/{group_id}', show)
    r.add('DELETE', '/os-server-groups/{group_id}', delete)


def _view(req, group):
    if req.at_least(64):
        return {'id': group.uuid, 'name': group.name, 'policy': group.policy,
                'rules': dict(group.rules or {}), 'members': list(group.members),
                'project_id': group.project_id, 'user_id': group.user_id}
    body = {'id': group.uuid, 'name': group.name, 'policies': [group.policy],
            'members': list(group.members), 'metadata': {}}
    if req.at_least(13):
        body.update(project_id=group.project_id, user_id=group.user_id)
    return body


def _get(req, group_id):
    if not uuidutils.is_uuid_like(group_id):
        raise exception.ServerGroupNotFound(group_id=group_id)
    group = group_obj.ServerGroup.get_by_uuid(req.context, group_id)
    if not req.context.is_admin and group.project_id != req.context.project_id:
        raise exception.ServerGroupNotFound(group_id=group_id)
    return group


def _target(group):
    return {'project_id': group.project_id, 'user_id': group.user_id}


def index(req):
    policies.authorize(req.context, 'os-server-groups:index')
    all_projects = req.params.get('all_projects')
    project = req.context.project_id
    if all_projects and common.bool_param(all_projects, 'all_projects'):
        if policies.authorize(req.context, 'os-server-groups:index:all_projects',
                              do_raise=False):
            project = None
    limit, _ = common.limit_and_marker(req)
    offset = common.int_param(req, 'offset', default=0)
    groups = group_obj.ServerGroupList.get_all(req.context, project, limit, offset)
    return {'server_groups': [_view(req, g) for g in groups]}


def create(req):
    policies.authorize(req.context, 'os-server-groups:create')
    if req.at_least(64):
        body = common.validate(_schema_v264, req.body)['server_group']
        policy, rules = body['policy'], dict(body.get('rules') or {})
        if rules and policy != 'anti-affinity':
            raise exception.Invalid(reason="Only anti-affinity policy supports rules.")
        if 'max_server_per_host' in rules:
            rules['max_server_per_host'] = common.int_in_range(
                rules['max_server_per_host'], 'max_server_per_host', 1)
    else:
        body = common.validate(_schema, req.body)['server_group']
        policy, rules = body['policies'][0], {}
    limit = CONF.quota.server_groups
    if limit >= 0 and group_obj.ServerGroup.count_by_project(
            req.context, req.context.project_id) >= limit:
        raise exception.QuotaExceeded(resources='server_groups', req=1, used=limit,
                                      allowed=limit)
    group = group_obj.ServerGroup(req.context, uuid=uuidutils.generate_uuid(),
                                  name=body['name'], project_id=req.context.project_id,
                                  user_id=req.context.user_id, policy=policy,
                                  rules=rules)
    group.create()
    return {'server_group': _view(req, group)}


def show(req, group_id):
    group = _get(req, group_id)
    policies.authorize(req.context, 'os-server-groups:show', _target(group))
    return {'server_group': _view(req, group)}


def delete(req, group_id):
    group = _get(req, group_id)
    policies.authorize(req.context, 'os-server-groups:delete', _target(group))
    group.destroy()
    return router.Response(None, 204)
