"""Version discovery (``/``, ``/v2`` and ``/v2.1``), reachable without a token.

As nova, the list names the frozen v2.0 API (SUPPORTED, no microversions)
before v2.1 (CURRENT); ``/v2`` answers v2.0's version document.  The API
itself is served under ``/v2.1`` only.
"""

import json

import pecan
from oslo_config import cfg

from common import wsgi
from services.compute.api import microversion

CONF = cfg.CONF

#: id -> (URL path, status, version, min_version, updated, media type version)
_VERSIONS = {
    'v2.0': ('v2', 'SUPPORTED', '', '', '2011-01-21T11:33:21Z', '2'),
    'v2.1': ('v2.1', 'CURRENT', microversion.to_string(microversion.MAX_VERSION),
             microversion.to_string(microversion.MIN_VERSION), '2013-07-23T11:33:21Z', '2.1'),
}


def _self(base, version_id):
    return {'rel': 'self', 'href': '%s/%s/' % (base, _VERSIONS[version_id][0])}


def _entry(base, version_id):
    """A version as ``GET /`` lists it."""
    _, status, version, min_version, updated, _ = _VERSIONS[version_id]
    return {'id': version_id, 'status': status, 'version': version,
            'min_version': min_version, 'updated': updated,
            'links': [_self(base, version_id)]}


def _document(base, version_id):
    """A version's own document: the entry, its docs and its media type."""
    body = _entry(base, version_id)
    body['links'].append({'rel': 'describedby', 'type': 'text/html',
                          'href': 'https://docs.openstack.org/'})
    body['media-types'] = [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=%s'
                % _VERSIONS[version_id][5]}]
    return body


def _respond(body):
    pecan.response.content_type = 'application/json'
    for name, value in microversion.response_headers(microversion.MIN_VERSION).items():
        pecan.response.headers[name] = value
    return json.dumps(body)


def render_versions():
    base = wsgi.base_url(CONF, pecan.request)
    return _respond({'versions': [_entry(base, v) for v in sorted(_VERSIONS)]})


def render_version(version_id='v2.1'):
    base = wsgi.base_url(CONF, pecan.request)
    return _respond({'version': _document(base, version_id)})
