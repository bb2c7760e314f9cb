"""Shaping resources for responses: admin-only attributes and ``fields``."""

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


def pagination_links(request, collection, items, limit, marker_key='id'):
    """Neutron's ``<collection>_links`` with a ``next`` link when a page is full."""
    if not limit or len(items) < limit or not items:
        return None
    params = [(k, v) for k, v in request.GET.items() if k not in ('marker', 'page_reverse')]
    params.append(('marker', items[-1][marker_key]))
    query = '&'.join('%s=%s' % (k, v) for k, v in params)
    return [{'rel': 'next', 'href': '%s?%s' % (request.path_url, query)}]
