"""Version discovery (``/`` and ``/v3/``), reachable without a token.

``/`` answers 300 Multiple Choices with the one version, v3.0, as cinder's
root does; ``/v3/`` answers the same list with 200.
"""

import json

import pecan
from oslo_config import cfg

from common import wsgi
from services.volume.api import microversion

CONF = cfg.CONF


def _version(base):
    return {
        'id': 'v3.0', 'status': 'CURRENT', 'updated': '2023-07-17T00:00:00Z',
        'version': microversion.to_string(microversion.MAX_VERSION),
        'min_version': microversion.to_string(microversion.MIN_VERSION),
        'links': [{'rel': 'describedby', 'type': 'text/html',
                   'href': 'https://docs.openstack.org/'},
                  {'rel': 'self', 'href': '%s/v3/' % base}],
        'media-types': [{'base': 'application/json',
                         'type': 'application/vnd.openstack.volume+json;version=3'}],
    }


def render(status):
    base = wsgi.base_url(CONF, pecan.request)
    pecan.response.status = status
    pecan.response.content_type = 'application/json'
    for name, value in microversion.response_headers(microversion.MIN_VERSION).items():
        pecan.response.headers[name] = value
    return json.dumps({'versions': [_version(base)]})
