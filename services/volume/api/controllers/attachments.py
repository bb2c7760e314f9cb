"""The v3 attachments API (3.27+; os-complete 3.44+): how compute attaches."""

from services.volume import exception
from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.schemas import volumes as schemas
from services.volume.api.views import attachments as views

A = '/attachments/{attachment_id}'
SORT_KEYS = ('id', 'created_at', 'updated_at', 'volume_id', 'instance_uuid', 'attach_status')


def register(r):
    r.add('GET', '/attachments', index, min_version=(3, 27))
    r.add('GET', '/attachments/detail', detail, min_version=(3, 27))
    r.add('POST', '/attachments', create, min_version=(3, 27))
    r.add('GET', A, show, min_version=(3, 27))
    r.add('PUT', A, update, min_version=(3, 27))
    r.add('DELETE', A, delete, min_version=(3, 27))
    r.add('POST', A + '/action', action, min_version=(3, 44))


def _get(req, attachment_id, rule):
    attachment = common.conductor().attachment_get(req.context, attachment_id)
    policies.authorize(req.context, rule, attachment['project_id'])
    return attachment


def _list(req):
    policies.authorize(req.context, 'volume:attachment_get_all')
    sorts, limit, marker = common.page(req, SORT_KEYS)
    filters = {}
    if req.params.get('volume_id'):
        filters['volume_id'] = req.params['volume_id']
    if req.params.get('instance_id'):
        filters['instance_uuid'] = req.params['instance_id']
    if req.params.get('status'):
        filters['attach_status'] = req.params['status']
    project = common.scoped_project(req)
    if project:
        filters['project_id'] = project
    return common.conductor().attachment_list(req.context, filters=filters, sorts=sorts,
                                              limit=limit, marker=marker)


def index(req):
    return {'attachments': [views.summary(a) for a in _list(req)]}


def detail(req):
    return {'attachments': [views.detail(a) for a in _list(req)]}


def show(req, attachment_id):
    return {'attachment': views.detail(_get(req, attachment_id, 'volume:attachment_get'))}


def create(req):
    ctx = req.context
    policies.authorize(ctx, 'volume:attachment_create')
    body = req.body
    common.validate(schemas.ATTACHMENT_CREATE, body)
    spec = body['attachment']
    volume_id = spec.get('volume_uuid') or spec.get('volume_id')
    if not volume_id:
        raise exception.InvalidInput(reason="'volume_uuid' is a required property")
    api = common.conductor()
    volume = api.volume_get(ctx, volume_id)
    policies.authorize(ctx, 'volume:attachment_create', volume['project_id'])
    attachment = api.attachment_create(ctx, volume['id'], spec['instance_uuid'],
                                       spec.get('connector') or None, spec.get('mode', 'rw'))
    return {'attachment': views.detail(attachment)}


def update(req, attachment_id):
    _get(req, attachment_id, 'volume:attachment_update')
    body = req.body
    common.validate(schemas.ATTACHMENT_UPDATE, body)
    attachment = common.conductor().attachment_update(req.context, attachment_id,
                                                      body['attachment']['connector'])
    return {'attachment': views.detail(attachment)}


def action(req, attachment_id):
    body = req.body
    if not isinstance(body, dict) or list(body) != ['os-complete']:
        raise exception.InvalidInput(reason='The only attachment action is os-complete.')
    _get(req, attachment_id, 'volume:attachment_complete')
    common.conductor().attachment_complete(req.context, attachment_id)
    return router.Response(None, 204)


def delete(req, attachment_id):
    _get(req, attachment_id, 'volume:attachment_delete')
    remaining = common.conductor().attachment_delete(req.context, attachment_id)
    return {'attachments': [views.summary(a) for a in remaining]}
