"""Backups: /backups, /backups/detail, /backups/{id}, restore."""

from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.schemas import backups as schemas

B = '/backups/{backup_id}'
SORT_KEYS = ('id', 'name', 'status', 'size', 'created_at', 'updated_at', 'volume_id')
FILTERS = ('name', 'status', 'volume_id')


def register(r):
    r.add('GET', '/backups', index)
    r.add('GET', '/backups/detail', detail)
    r.add('POST', '/backups', create)
    r.add('GET', B, show)
    r.add('DELETE', B, delete)
    r.add('POST', B + '/restore', restore)


def summary(req, backup):
    return {'id': backup['id'], 'name': backup['name'],
            'links': common.links(req, 'backups', backup['id'])}


def view(req, backup):
    body = dict(summary(req, backup), description=backup['description'],
                status=backup['status'], size=backup['size'],
                object_count=backup['object_count'], container=backup['container'],
                availability_zone=backup['availability_zone'],
                created_at=backup['created_at'], updated_at=backup['updated_at'],
                data_timestamp=backup['data_timestamp'], volume_id=backup['volume_id'],
                snapshot_id=backup['snapshot_id'], fail_reason=backup['fail_reason'],
                is_incremental=bool(backup.get('parent_id')),
                has_dependent_backups=bool(backup.get('num_dependent_backups')))
    if req.at_least(18) and policies.authorize(
            req.context, 'backup:backup_project_attribute', do_raise=False):
        body['os-backup-project-attr:project_id'] = backup['project_id']
    if req.at_least(43):
        body['metadata'] = {}
    if req.at_least(56):
        body['user_id'] = backup['user_id']
    return body


def _list(req):
    policies.authorize(req.context, 'backup:get_all')
    sorts, limit, marker = common.page(req, SORT_KEYS)
    filters = {k: req.params[k] for k in FILTERS if req.params.get(k) not in (None, '')}
    project = common.scoped_project(req)
    if project:
        filters['project_id'] = project
    return common.conductor().backup_list(req.context, filters=filters, sorts=sorts,
                                          limit=limit, marker=marker)


def index(req):
    return {'backups': [summary(req, b) for b in _list(req)]}


def detail(req):
    return {'backups': [view(req, b) for b in _list(req)]}


def _get(req, backup_id, rule):
    backup = common.conductor().backup_get(req.context, backup_id)
    policies.authorize(req.context, rule, backup['project_id'])
    return backup


def show(req, backup_id):
    return {'backup': view(req, _get(req, backup_id, 'backup:get'))}


def create(req):
    ctx = req.context
    policies.authorize(ctx, 'backup:create')
    body = req.body
    common.validate(schemas.CREATE, body)
    spec = body['backup']
    incremental = common.boolean(spec.get('incremental', False), 'incremental')
    volume = common.conductor().volume_get(ctx, spec['volume_id'])
    policies.authorize(ctx, 'backup:create', volume['project_id'])
    backup = common.conductor().backup_create(ctx, {
        'volume_id': volume['id'], 'name': spec.get('name'),
        'description': spec.get('description'), 'container': spec.get('container'),
        'snapshot_id': spec.get('snapshot_id') or None},
        common.boolean(spec.get('force', False), 'force'), incremental)
    answer = summary(req, backup)
    if req.at_least(43):
        answer['metadata'] = {}
    return router.Response({'backup': answer}, 202)


def delete(req, backup_id):
    _get(req, backup_id, 'backup:delete')
    common.conductor().backup_delete(req.context, backup_id)
    return router.Response(None, 202)


def restore(req, backup_id):
    _get(req, backup_id, 'backup:restore')
    body = req.body
    common.validate(schemas.RESTORE, body)
    spec = body['restore'] or {}
    if spec.get('volume_id'):
        volume = common.conductor().volume_get(req.context, spec['volume_id'])
        policies.authorize(req.context, 'backup:restore', volume['project_id'])
    answer = common.conductor().backup_restore(req.context, backup_id,
                                               spec.get('volume_id') or None,
                                               spec.get('name'))
    return router.Response({'restore': answer}, 202)
