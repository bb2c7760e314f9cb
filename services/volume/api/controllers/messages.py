"""User messages (3.3+): /messages, /messages/{id}."""

from services.volume import messages
from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common

SORT_KEYS = ('id', 'event_id', 'resource_type', 'resource_uuid', 'message_level',
             'created_at', 'request_id')
FILTERS = ('resource_uuid', 'resource_type', 'event_id', 'message_level', 'request_id')


def register(r):
    r.add('GET', '/messages', index, min_version=(3, 3))
    r.add('GET', '/messages/{message_id}', show, min_version=(3, 3))
    r.add('DELETE', '/messages/{message_id}', delete, min_version=(3, 3))


def view(req, message):
    return {'id': message['id'], 'event_id': message['event_id'],
            'user_message': messages.user_message(message['event_id']),
            'message_level': message['message_level'],
            'resource_type': message['resource_type'],
            'resource_uuid': message['resource_uuid'], 'request_id': message['request_id'],
            'created_at': message['created_at'], 'guaranteed_until': message['expires_at'],
            'links': common.links(req, 'messages', message['id'])}


def index(req):
    policies.authorize(req.context, 'message:get_all')
    sorts, limit, marker = common.page(req, SORT_KEYS)
    filters = {k: req.params[k] for k in FILTERS if req.params.get(k) not in (None, '')}
    project = common.scoped_project(req)
    if project:
        filters['project_id'] = project
    found = common.conductor().message_list(req.context, filters=filters, sorts=sorts,
                                            limit=limit, marker=marker)
    return {'messages': [view(req, m) for m in found]}


def _get(req, message_id, rule):
    message = common.conductor().message_get(req.context, message_id)
    policies.authorize(req.context, rule, message['project_id'])
    return message


def show(req, message_id):
    return {'message': view(req, _get(req, message_id, 'message:get'))}


def delete(req, message_id):
    _get(req, message_id, 'message:delete')
    common.conductor().message_delete(req.context, message_id)
    return router.Response(None, 204)
