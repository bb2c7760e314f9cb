"""Helpers shared by the compute controllers."""

import re

from oslo_config import cfg
from oslo_utils import timeutils

from common import validation
from services.compute import exception
from services.compute.api.schemas import types

CONF = cfg.CONF
_INTEGER = re.compile(r'^-?[0-9]+$')


def validate(schema, body):
    return validation.validate(schema, body)


def fields_for_version(req, body, since=None, until=None):
    """Refuse (400, the schema's own words) a field of ``body`` the request's
    microversion does not know: ``since`` maps a field to the first minor
    version that takes it, ``until`` to the last one."""
    for field in body or {}:
        minor = (since or {}).get(field)
        last = (until or {}).get(field)
        if (minor is not None and not req.at_least(minor)) or \
                (last is not None and req.at_least(last + 1)):
            raise exception.Invalid(reason="Additional properties are not allowed "
                                           "('%s' was unexpected)" % field)


def int_in_range(value, name, minimum=0, maximum=types.MAX_INT):
    """``value`` (an integer or its decimal text) as an int in
    [minimum, maximum]; a 400 otherwise.  The range defaults to what an
    INTEGER column holds."""
    if isinstance(value, bool) or (isinstance(value, str) and
                                   not _INTEGER.match(value.strip())):
        raise exception.Invalid(reason='%s must be an integer' % name)
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, OverflowError):
        raise exception.Invalid(reason='%s must be an integer' % name)
    if isinstance(value, float) and number != value:
        raise exception.Invalid(reason='%s must be an integer' % name)
    if not minimum <= number <= maximum:
        raise exception.Invalid(reason='%s must be >= %d and <= %d' % (name, minimum, maximum))
    return number


def int_param(req, name, minimum=0, maximum=types.MAX_INT, default=None):
    """An integer query parameter, range-checked like :func:`int_in_range`."""
    value = req.params.get(name)
    if value is None or value == '':
        return default
    if not _INTEGER.match(value.strip()):
        raise exception.Invalid(reason='%s param must be an integer' % name)
    return int_in_range(value, name, minimum, maximum)


def limit_and_marker(req):
    params = req.params
    limit = params.get('limit')
    if limit is not None:
        if not _INTEGER.match(limit.strip()):
            raise exception.Invalid(reason='limit param must be an integer')
        limit = int(limit)
        if limit < 0:
            raise exception.Invalid(reason='limit param must be positive')
    max_limit = CONF.compute_api.max_limit
    limit = min(limit, max_limit) if limit is not None else max_limit
    return limit, params.get('marker')


def next_link(req, collection, items, limit, marker_key='id'):
    """``<collection>_links`` with a next link when the page is full."""
    if not items or len(items) < limit:
        return None
    query = [(k, v) for k, v in req.params.items() if k != 'marker']
    query.append(('marker', items[-1][marker_key]))
    from urllib.parse import urlencode
    return [{'rel': 'next', 'href': '%s/v2.1/%s?%s' % (req.host_url, collection,
                                                        urlencode(query))}]


def link(req, collection, item_id):
    return [{'rel': 'self', 'href': '%s/v2.1/%s/%s' % (req.host_url, collection, item_id)},
            {'rel': 'bookmark', 'href': '%s/%s/%s' % (req.host_url, collection, item_id)}]


def bool_param(value, name):
    text = str(value).strip().lower()
    if text in ('1', 't', 'true', 'on', 'y', 'yes'):
        return True
    if text in ('0', 'f', 'false', 'off', 'n', 'no'):
        return False
    raise exception.Invalid(reason='Invalid value %r for %s' % (value, name))


def isotime(value):
    """``YYYY-MM-DDTHH:MM:SSZ`` from a datetime or an ISO string."""
    if value is None:
        return None
    if isinstance(value, str):
        return value[:19] + 'Z'
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def query_time(req, name):
    """The ISO 8601 time of query parameter ``name`` (naive UTC), None when
    absent; nova's 400 when it does not parse."""
    value = req.params.get(name)
    if not value:
        return None
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(value))
    except ValueError:
        raise exception.Invalid(reason="Invalid input for query parameters %s. Value: %s."
                                       % (name, value[:255]))
