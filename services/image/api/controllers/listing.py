"""Query parameters of ``GET /v2/images``: filters, sorting and paging."""

import urllib.parse

from oslo_utils import timeutils

from common import exception as common_exc
from services.image.api.schemas import image as schemas
from services.image.core import images as image_core

VISIBILITY_FILTERS = ('public', 'private', 'shared', 'community', 'all')
MEMBER_STATUS_FILTERS = ('pending', 'accepted', 'rejected', 'all')
NOT_PROPERTIES = ('limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'tag', 'visibility',
                  'member_status', 'size_min', 'size_max', 'protected', 'os_hidden',
                  'created_at', 'updated_at') + image_core.EXACT_FILTERS


def _bad(reason):
    return common_exc.BadRequest(reason=reason)


def _int(params, name, minimum=0, maximum=schemas.BIGINT_MAX):
    try:
        value = int(params[name])
    except ValueError:
        raise _bad('%s must be an integer, not %r' % (name, params[name][:64]))
    if value < minimum:
        raise _bad('%s must be at least %d' % (name, minimum))
    if maximum is not None and value > maximum:
        raise _bad('%s must be at most %d' % (name, maximum))
    return value


def _bool(params, name):
    value = params[name].lower()
    if value not in ('true', 'false'):
        raise _bad('%s must be true or false' % name)
    return value == 'true'


def _date_filter(name, raw):
    op, sep, stamp = raw.partition(':')
    if not sep or op not in image_core.DATE_OPS:
        raise _bad("%s filter must look like 'gte:2024-01-01T00:00:00Z' "
                   '(operators: %s)' % (name, ', '.join(sorted(image_core.DATE_OPS))))
    try:
        parsed = timeutils.normalize_time(timeutils.parse_isotime(stamp))
    except ValueError:
        raise _bad('%s: %r is not an ISO 8601 date' % (name, stamp))
    return op, parsed


def parse_filters(params):
    filters = {}
    for name in image_core.EXACT_FILTERS:
        if name in params:
            filters[name] = params[name]
    if 'visibility' in params:
        if params['visibility'] not in VISIBILITY_FILTERS:
            raise _bad('visibility must be one of %s' % ', '.join(VISIBILITY_FILTERS))
        filters['visibility'] = params['visibility']
    if 'member_status' in params:
        if params['member_status'] not in MEMBER_STATUS_FILTERS:
            raise _bad('member_status must be one of %s' % ', '.join(MEMBER_STATUS_FILTERS))
        filters['member_status'] = params['member_status']
    for name in ('size_min', 'size_max'):
        if name in params:
            filters[name] = _int(params, name)
    for name in ('protected', 'os_hidden'):
        if name in params:
            filters[name] = _bool(params, name)
    for name in ('created_at', 'updated_at'):
        if name in params:
            filters[name] = _date_filter(name, params[name])
    filters['tags'] = params.getall('tag')
    filters['properties'] = {k: v for k, v in params.items() if k not in NOT_PROPERTIES}
    return filters


def _check_sort(keys, dirs):
    for key in keys:
        if key not in image_core.SORT_KEYS:
            raise _bad('Invalid sort key: %s. It should be one of the following: %s'
                       % (key, ', '.join(image_core.SORT_KEYS)))
    for direction in dirs:
        if direction not in ('asc', 'desc'):
            raise _bad('Invalid sort direction: %s' % direction)


def parse_sort(params):
    """``sort=name:asc,size`` or repeated ``sort_key``/``sort_dir``; default newest first."""
    if 'sort' in params:
        if 'sort_key' in params or 'sort_dir' in params:
            raise _bad('The sort parameter cannot be combined with sort_key or sort_dir')
        keys, dirs = [], []
        for item in params['sort'].split(','):
            key, _, direction = item.strip().partition(':')
            keys.append(key.strip())
            dirs.append(direction.strip() or 'desc')
    else:
        keys = [k for raw in params.getall('sort_key') for k in raw.split(',')] or \
            ['created_at']
        dirs = params.getall('sort_dir') or ['desc']
        if len(dirs) == 1:
            dirs = dirs * len(keys)
        elif len(dirs) != len(keys):
            raise _bad('The number of sort_dir values must match the number of sort_key '
                       'values')
    _check_sort(keys, dirs)
    return keys, dirs


def parse_limit(params, conf):
    if 'limit' not in params:
        return conf.image.limit_param_default
    return min(_int(params, 'limit', maximum=None), conf.image.api_limit_max)


def next_query(params, last_id):
    """Query string of the ``next`` link: the same request, from ``last_id`` on."""
    items = [(k, v) for k, v in params.items() if k != 'marker']
    items.append(('marker', last_id))
    return urllib.parse.urlencode(items)
