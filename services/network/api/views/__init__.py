"""Shaping resources for responses: admin-only attributes and ``fields``."""

import json

import orjson
import webob

from common import policy
from services.network.api import policies


def hidden_attributes(request, resource):
    """Attributes the caller may not see (checked once per request)."""
    hidden = []
    for attr in policies.ADMIN_VISIBLE_ONLY.get(resource, ()):
        if not policy.authorize(request.enforcer, request.context,
                                'get_%s:%s' % (resource, attr), do_raise=False):
            hidden.append(attr)
    return hidden


def shape(item, hidden=(), fields=None):
    if hidden:
        item = {k: v for k, v in item.items() if k not in hidden}
    if fields:
        item = {k: v for k, v in item.items() if k in fields}
    return item


def pagination_links(request, count, last_id, limit):
    """Neutron's ``<collection>_links`` with a ``next`` link when a page is full."""
    if not limit or count < limit or not count or last_id is None:
        return None
    params = [(k, v) for k, v in request.GET.items() if k not in ('marker', 'page_reverse')]
    params.append(('marker', last_id))
    query = '&'.join('%s=%s' % (k, v) for k, v in params)
    return [{'rel': 'next', 'href': '%s?%s' % (request.path_url, query)}]


def json_response(document, status=200):
    """A finished JSON response (orjson: several times faster than json for
    big listings; json only for what orjson refuses, such as lone surrogates)."""
    try:
        body = orjson.dumps(document)
    except (orjson.JSONEncodeError, TypeError):
        body = json.dumps(document).encode('utf-8')
    return webob.Response(body=body, status=status, content_type='application/json',
                          charset=None)
