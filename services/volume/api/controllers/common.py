"""Helpers shared by the volume controllers: the conductor client, query
parsing (pagination, sorting, booleans), body checks."""

import ast
import re
import urllib.parse

from oslo_config import cfg

from common import validation
from services.volume import exception

CONF = cfg.CONF
_INTEGER = re.compile(r'^\s*-?[0-9]+\s*$')
MAX_INT = 2 ** 31 - 1
_CONDUCTOR = None


def conductor():
    global _CONDUCTOR
    if _CONDUCTOR is None:
        from services.volume.conductor import rpcapi
        _CONDUCTOR = rpcapi.ConductorAPI(timeout=CONF.volume_api.rpc_timeout)
    return _CONDUCTOR


def set_conductor(api):
    """Tests put a fake in its place."""
    global _CONDUCTOR
    _CONDUCTOR = api


def validate(schema, body):
    return validation.validate(schema, body)


def body_of(req, key):
    body = req.body
    if not isinstance(body, dict) or not isinstance(body.get(key), dict):
        raise exception.Invalid(reason='Missing required element \'%s\' in request body.'
                                % key)
    return body[key]


def integer(value, name, minimum=0, maximum=MAX_INT):
    """An integer (or its decimal text) in [minimum, maximum]; a 400 otherwise."""
    if isinstance(value, bool) or value is None or \
            (isinstance(value, str) and not _INTEGER.match(value)) or \
            (isinstance(value, float) and value != int(value)) or \
            not isinstance(value, (int, str, float)):
        raise exception.InvalidInput(reason='%s must be an integer.' % name)
    number = int(value)
    if not minimum <= number <= maximum:
        raise exception.InvalidInput(reason='%s must be >= %d and <= %d.'
                                     % (name, minimum, maximum))
    return number


def boolean(value, name):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ('1', 't', 'true', 'on', 'y', 'yes'):
        return True
    if text in ('0', 'f', 'false', 'off', 'n', 'no'):
        return False
    raise exception.InvalidInput(reason='Invalid value %r for %s: it must be a boolean.'
                                 % (value, name))


def page(req, sort_keys):
    """``(sorts, limit, marker)`` from ``limit``, ``marker``, ``sort`` or
    ``sort_key``/``sort_dir``."""
    params = req.params
    limit = params.get('limit')
    limit = CONF.volume_api.max_limit if limit in (None, '') else \
        min(integer(limit, 'limit'), CONF.volume_api.max_limit)
    sorts = []
    if params.get('sort'):
        if params.get('sort_key') or params.get('sort_dir'):
            raise exception.InvalidInput(
                reason='The sort param cannot be used with the sort_key or sort_dir param.')
        for item in params['sort'].split(','):
            key, _, direction = item.strip().partition(':')
            sorts.append((key, direction or 'desc'))
    elif params.get('sort_key'):
        sorts.append((params['sort_key'], params.get('sort_dir') or 'desc'))
    for key, direction in sorts:
        if key not in sort_keys:
            raise exception.InvalidInput(reason='Invalid sort key %s.' % key)
        if direction not in ('asc', 'desc'):
            raise exception.InvalidInput(reason='Invalid sort direction %s.' % direction)
    return sorts or None, limit, params.get('marker') or None


def offset(req):
    value = req.params.get('offset')
    return 0 if value in (None, '') else integer(value, 'offset')


def metadata_filter(req):
    """The ``metadata`` query parameter: a dict literal, as cinderclient sends it."""
    value = req.params.get('metadata')
    if not value:
        return None
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()):
        raise exception.InvalidInput(reason='metadata must be a dictionary of strings.')
    return parsed


def next_links(req, collection, items, limit, name):
    if not items or len(items) < limit:
        return {}
    query = [(k, v) for k, v in req.params.items() if k != 'marker']
    query.append(('marker', items[-1]['id']))
    return {'%s_links' % name: [{'rel': 'next', 'href': '%s?%s' % (
        req.url(collection), urllib.parse.urlencode(query))}]}


def links(req, collection, item_id):
    return [{'rel': 'self', 'href': req.url(collection, item_id)},
            {'rel': 'bookmark', 'href': req.url(collection, item_id, bookmark=True)}]


def scoped_project(req):
    """A list's project filter: the caller's own, or with ``all_tenants`` (an
    admin) every project, or the one ``project_id`` names."""
    from services.volume.api import policies
    ctx = req.context
    if req.params.get('all_tenants') not in (None, '') and \
            boolean(req.params['all_tenants'], 'all_tenants') and \
            policies.authorize(ctx, 'volume:get_all_tenants', do_raise=False):
        return req.params.get('project_id') or None
    return ctx.project_id


def metadata_schema():
    return {'type': 'object', 'maxProperties': 128,
            'propertyNames': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                              'pattern': validation.NAME_PATTERN},
            'additionalProperties': {'type': 'string', 'maxLength': 255}}
