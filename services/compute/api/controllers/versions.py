"""Version discovery (``/`` and ``/v2.1``), reachable without a token."""

import json

import pecan
from oslo_config import cfg

from common import wsgi
from services.compute.api import microversion

CONF = cfg.CONF
UPDATED = '2013-07-23T11:33:21Z'


def _v21(base):
    return {'id': 'v2.1', 'status': 'CURRENT',
            'version': microversion.to_string(microversion.MAX_VERSION),
            'min_version': microversion.to_string(microversion.MIN_VERSION),
            'updated': UPDATED,
            'links': [{'rel': 'self', 'href': base + '/v2.1/'},
                      {'rel': 'describedby', 'type': 'text/html',
                       'href': 'https://docs.openstack.org/'}],
            'media-types': [{'base': 'application/json',
                             'type': 'application/vnd.openstack.compute+json;version=2.1'}]}


def _respond(body):
    pecan.response.content_type = 'application/json'
    for name, value in microversion.response_headers(microversion.MIN_VERSION).items():
        pecan.response.headers[name] = value
    return json.dumps(body)


def render_versions():
    base = wsgi.base_url(CONF, pecan.request)
    return _respond({'versions': [_v21(base)]})


def render_version():
    base = wsgi.base_url(CONF, pecan.request)
    return _respond({'version': _v21(base)})
