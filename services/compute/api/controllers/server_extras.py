"""Server sub-resources: metadata, tags, addresses, instance actions and events."""

import hashlib

from oslo_config import cfg

from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.controllers import servers
from services.compute.api.schemas import servers as schemas
from services.compute.api.views import servers as views
from services.compute.objects import instance_action as action_obj

CONF = cfg.CONF


def register(r):
    r.add('GET', '/servers/{server_id}/metadata', list_metadata)
    r.add('POST', '/servers/{server_id}/metadata', update_metadata)
    r.add('PUT', '/servers/{server_id}/metadata', replace_metadata)
    r.add('GET', '/servers/{server_id}/metadata/{key}', show_meta)
    r.add('PUT', '/servers/{server_id}/metadata/{key}', set_meta)
    r.add('DELETE', '/servers/{server_id}/metadata/{key}', delete_meta)
    r.add('GET', '/servers/{server_id}/tags', list_tags, (2, 26))
    r.add('PUT', '/servers/{server_id}/tags', replace_tags, (2, 26))
    r.add('DELETE', '/servers/{server_id}/tags', delete_tags, (2, 26))
    r.add('GET', '/servers/{server_id}/tags/{tag}', check_tag, (2, 26))
    r.add('PUT', '/servers/{server_id}/tags/{tag}', add_tag, (2, 26))
    r.add('DELETE', '/servers/{server_id}/tags/{tag}', delete_tag, (2, 26))
    r.add('GET', '/servers/{server_id}/ips', list_ips)
    r.add('GET', '/servers/{server_id}/ips/{network}', show_ips)
    r.add('GET', '/servers/{server_id}/topology', topology, (2, 78))
    r.add('GET', '/servers/{server_id}/os-instance-actions', list_actions)
    r.add('GET', '/servers/{server_id}/os-instance-actions/{request_id}', show_action)


def _instance(req, server_id, rule, write=True):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, rule, servers.target(instance))
    if write:
        servers.check_not_locked(req, instance)
    return instance


def _check_meta_quota(metadata):
    if CONF.quota.metadata_items >= 0 and len(metadata) > CONF.quota.metadata_items:
        raise exception.QuotaExceeded(resources='metadata_items', req=len(metadata), used=0,
                                      allowed=CONF.quota.metadata_items)


# -- metadata -----------------------------------------------------------------

def list_metadata(req, server_id):
    instance = _instance(req, server_id, 'server-metadata:index', write=False)
    return {'metadata': dict(instance.metadata)}


def _save_metadata(instance, metadata):
    _check_meta_quota(metadata)
    instance.metadata = metadata
    instance.save()
    return {'metadata': dict(instance.metadata)}


def update_metadata(req, server_id):
    body = common.validate(schemas.metadata, req.body)
    instance = _instance(req, server_id, 'server-metadata:create')
    return _save_metadata(instance, dict(instance.metadata, **body['metadata']))


def replace_metadata(req, server_id):
    body = common.validate(schemas.metadata, req.body)
    instance = _instance(req, server_id, 'server-metadata:update_all')
    return _save_metadata(instance, dict(body['metadata']))


def show_meta(req, server_id, key):
    instance = _instance(req, server_id, 'server-metadata:show', write=False)
    if key not in instance.metadata:
        raise exception.NotFound('Metadata item was not found')
    return {'meta': {key: instance.metadata[key]}}


def set_meta(req, server_id, key):
    body = common.validate(schemas.meta_item, req.body)
    if len(body['meta']) != 1 or key not in body['meta']:
        raise exception.Invalid(reason='Request body and URI mismatch')
    instance = _instance(req, server_id, 'server-metadata:update')
    _save_metadata(instance, dict(instance.metadata, **body['meta']))
    return {'meta': body['meta']}


def delete_meta(req, server_id, key):
    instance = _instance(req, server_id, 'server-metadata:delete')
    if key not in instance.metadata:
        raise exception.NotFound('Metadata item was not found')
    metadata = dict(instance.metadata)
    del metadata[key]
    instance.metadata = metadata
    instance.save()
    return router.Response(None, 204)


# -- addresses (without nova's OS-EXT-IPS attributes, as its ips API) -----------

def list_ips(req, server_id):
    instance = _instance(req, server_id, 'ips:index', write=False)
    return {'addresses': views.addresses(instance, extended=False)}


def show_ips(req, server_id, network):
    instance = _instance(req, server_id, 'ips:show', write=False)
    addresses = views.addresses(instance, extended=False)
    if network not in addresses:
        raise exception.NotFound('Instance is not a member of specified network')
    return {network: addresses[network]}


# -- tags -------------------------------------------------------------------------

def _save_tags(instance, tags):
    if len(tags) > CONF.compute_api.max_tags:
        raise exception.TooManyTags(limit=CONF.compute_api.max_tags)
    instance.tags = tags
    instance.save()


def list_tags(req, server_id):
    instance = _instance(req, server_id, 'os-server-tags:index', write=False)
    return {'tags': list(instance.tags)}


def replace_tags(req, server_id):
    body = common.validate(schemas.tags, req.body)
    instance = _instance(req, server_id, 'os-server-tags:update_all')
    tags = list(dict.fromkeys(body['tags']))
    _save_tags(instance, tags)
    return {'tags': tags}


def delete_tags(req, server_id):
    instance = _instance(req, server_id, 'os-server-tags:delete_all')
    _save_tags(instance, [])
    return router.Response(None, 204)


def check_tag(req, server_id, tag):
    instance = _instance(req, server_id, 'os-server-tags:show', write=False)
    if tag not in instance.tags:
        raise exception.TagNotFound(tag=tag)
    return router.Response(None, 204)


def add_tag(req, server_id, tag):
    common.validate(schemas.TAG, tag)
    instance = _instance(req, server_id, 'os-server-tags:update')
    if tag in instance.tags:
        return router.Response(None, 204)
    _save_tags(instance, list(instance.tags) + [tag])
    return router.Response(None, 201, {
        'Location': '%s/v2.1/servers/%s/tags/%s' % (req.host_url, server_id, tag)})


def delete_tag(req, server_id, tag):
    instance = _instance(req, server_id, 'os-server-tags:delete')
    if tag not in instance.tags:
        raise exception.TagNotFound(tag=tag)
    _save_tags(instance, [t for t in instance.tags if t != tag])
    return router.Response(None, 204)


# -- topology (2.78) ---------------------------------------------------------------

def topology(req, server_id):
    """The server's NUMA topology: servers here are given none (no
    ``hw:numa_*`` placement), which nova answers with no nodes."""
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'compute:server:topology:index', servers.target(instance))
    return {'nodes': [], 'pagesize_kb': None}


# -- instance actions ------------------------------------------------------------

def _action_view(req, action):
    body = {'action': action.action, 'instance_uuid': action.instance_uuid,
            'request_id': action.request_id, 'user_id': action.user_id,
            'project_id': action.project_id,
            'start_time': _time(action.start_time), 'message': action.message}
    if req.at_least(58):
        body['updated_at'] = _time(action.updated_at or action.start_time)
    return body


def _page_actions(req, server_id, actions):
    """2.58: a page of the actions (newest first) after ``marker`` (a
    request id), changed since ``changes-since`` and, from 2.66, before
    ``changes-before``; the next page's link when the page is full."""
    limit, marker = common.limit_and_marker(req)
    since = common.query_time(req, 'changes-since')
    before = common.query_time(req, 'changes-before') if req.at_least(66) else None
    if since and before and since > before:
        raise exception.Invalid(reason='The value of changes-since must be less than '
                                       'or equal to changes-before.')
    items = sorted(actions, key=lambda a: (_time(a.start_time) or '', a.id or 0), reverse=True)

    def changed(action):
        stamp = action.updated_at or action.start_time
        stamp = stamp.replace(tzinfo=None) if stamp else None
        return (not since or (stamp and stamp >= since)) and \
            (not before or (stamp and stamp <= before))
    items = [a for a in items if changed(a)]
    if marker:
        ids = [a.request_id for a in items]
        if marker not in ids:
            raise exception.Invalid(reason='Marker %s could not be found.' % marker)
        items = items[ids.index(marker) + 1:]
    if limit is not None:
        items = items[:limit]
    body = {'instanceActions': [_action_view(req, a) for a in items]}
    if limit and len(items) == limit:
        body['links'] = [{'rel': 'next', 'href': '%s/v2.1/servers/%s/os-instance-actions'
                          '?limit=%d&marker=%s' % (req.host_url, server_id, limit,
                                                   items[-1].request_id)}]
    return body


def _host_id(project_id, host):
    if not host:
        return ''
    return hashlib.sha224((project_id + host).encode()).hexdigest()


def _time(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value.replace(tzinfo=None).isoformat()


def list_actions(req, server_id):
    # From 2.21 the actions of a deleted server stay readable, as in nova.
    instance = servers.get_instance(req, server_id, read_deleted=req.at_least(21))
    policies.authorize(req.context, 'os-instance-actions:list', servers.target(instance))
    actions = action_obj.InstanceActionList.get_by_instance_uuid(req.context, instance.uuid)
    if req.at_least(58):
        return _page_actions(req, instance.uuid, list(actions))
    return {'instanceActions': [_action_view(req, a) for a in actions]}


def show_action(req, server_id, request_id):
    # From 2.21 the actions of a deleted server stay readable, as in nova.
    instance = servers.get_instance(req, server_id, read_deleted=req.at_least(21))
    policies.authorize(req.context, 'os-instance-actions:show', servers.target(instance))
    action = action_obj.InstanceAction.get_by_request_id(req.context, instance.uuid,
                                                         request_id)
    details = policies.authorize(req.context, 'os-instance-actions:events:details',
                                 servers.target(instance), do_raise=False)
    events = []
    for event in action.events:
        item = {'event': event['event'], 'start_time': _time(event['start_time']),
                'finish_time': _time(event['finish_time']), 'result': event['result']}
        if details:
            item['traceback'] = event.get('traceback')
        if req.at_least(62):
            # The host's hash for everyone, its name for those who see tracebacks.
            item['hostId'] = _host_id(instance.project_id, event.get('host'))
            if details and event.get('host'):
                item['host'] = event['host']
        if req.at_least(84):
            # Nova's user-facing reason of a failed event; none is recorded here.
            item['details'] = None
        events.append(item)
    body = _action_view(req, action)
    body['events'] = events
    return {'instanceAction': body}
