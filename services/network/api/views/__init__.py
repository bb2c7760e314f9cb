"""Shaping resources for responses: admin-only attributes and ``fields``."""

import webob

from common import policy
from services.network.api import policies
from services.network.conductor import wire


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


def listing_response(collection, items_json, links=None):
    """``{"<collection>": [...], "<collection>_links": [...]}`` around the
    items' ready JSON array."""
    body = [b'{"', collection.encode(), b'":', items_json]
    if links:
        body += [b',"', collection.encode(), b'_links":', wire.dumps(links)]
    body.append(b'}')
    return webob.Response(body=b''.join(body), content_type='application/json',
                          charset=None)


def no_content():
    """An empty 204, whatever the client accepts (pecan would render ``null``)."""
    return webob.Response(status=204, content_type=None, charset=None)


def created_no_content():
    """An empty 201 (adding a single tag)."""
    return webob.Response(status=201, content_type=None, charset=None)
