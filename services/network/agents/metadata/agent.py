"""alto-metadata-agent's logic: from a namespace proxy's request to a signed
request to the compute metadata service.

A request arrives on the agent's UNIX socket from an
``alto-ns-metadata-proxy`` with the guest's address (``X-Forwarded-For``) and
the router (``X-Alto-Router-ID``) or network (``X-Alto-Network-ID``) it came
through. The agent asks the conductor which port holds that address on the
router's networks (``get_metadata_port``, agent RPC 1.1; a server's port
only), then asks the compute metadata service for the same path with
``X-Instance-ID`` (the port's ``device_id``), ``X-Tenant-ID`` (its project),
``X-Forwarded-For`` and ``X-Instance-ID-Signature`` (the HMAC-SHA256 of the
instance id keyed with the shared secret), and hands the answer back.
Nothing else of the guest's request travels on, so a guest cannot name
another instance.
"""

import hashlib
import hmac
import http.client
import time

import oslo_messaging as messaging
import webob
import webob.exc
from oslo_log import log as logging

from common import context as alto_context
from services.network.agents.metadata import nsproxy

LOG = logging.getLogger(__name__)
AGENT_TYPE = 'Metadata agent'
BINARY = 'neutron-metadata-agent'


def sign(secret, instance_id):
    """``X-Instance-ID-Signature``: HMAC-SHA256 of the instance id, hex."""
    return hmac.new(secret.encode('utf-8'), instance_id.encode('utf-8'),
                    hashlib.sha256).hexdigest()


def signed_headers(secret, port, client_ip):
    return {'X-Instance-ID': port['device_id'], 'X-Tenant-ID': port['project_id'],
            'X-Forwarded-For': client_ip,
            'X-Instance-ID-Signature': sign(secret, port['device_id'])}


class PortCache:
    """``(address, router or network) -> port``, kept ``ttl`` seconds."""

    def __init__(self, lookup, ttl, clock=time.monotonic):
        self.lookup = lookup
        self.ttl = ttl
        self.clock = clock
        self._entries = {}

    def get(self, ip_address, router_id=None, network_id=None):
        key = (ip_address, router_id, network_id)
        now = self.clock()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        port = self.lookup(ip_address, router_id=router_id, network_id=network_id)
        if self.ttl:
            for stale in [k for k, v in self._entries.items() if now - v[0] >= self.ttl]:
                del self._entries[stale]
            if port is not None:  # an address not found yet may be found soon
                self._entries[key] = (now, port)
        return port


class HTTPUpstream:
    """The compute metadata service over HTTP."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout

    def request(self, method, path, headers, body=None):
        """``(status, content type, body)``."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheader('Content-Type'), resp.read()
        finally:
            conn.close()


class MetadataProxyApp:
    """The WSGI application on the agent's UNIX socket."""

    def __init__(self, ports, upstream, secret):
        self.ports = ports
        self.upstream = upstream
        self.secret = secret

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        try:
            resp = self._handle(req)
        except webob.exc.HTTPException as exc:
            resp = exc
        except Exception:
            LOG.exception('Metadata request %s failed', req.path)
            resp = webob.exc.HTTPInternalServerError()
        return resp(environ, start_response)

    def _handle(self, req):
        client_ip = req.headers.get('X-Forwarded-For')
        router_id = req.headers.get(nsproxy.ROUTER_HEADER)
        network_id = req.headers.get(nsproxy.NETWORK_HEADER)
        if not client_ip or not (router_id or network_id):
            raise webob.exc.HTTPBadRequest('X-Forwarded-For and a router or network '
                                           'are required')
        port = self.ports.get(client_ip, router_id=router_id, network_id=network_id)
        if port is None:
            LOG.info('Metadata request from %s (router %s, network %s): no server there',
                     client_ip, router_id, network_id)
            raise webob.exc.HTTPNotFound()
        headers = signed_headers(self.secret, port, client_ip)
        for name in nsproxy.PASSED_HEADERS:
            if req.headers.get(name):
                headers[name] = req.headers[name]
        body = req.body if req.method == 'POST' else None
        try:
            status, content_type, data = self.upstream.request(req.method, req.path_qs,
                                                               headers, body)
        except (OSError, http.client.HTTPException) as exc:
            LOG.error('The compute metadata service did not answer: %s', exc)
            raise webob.exc.HTTPServiceUnavailable()
        if status >= 500:
            LOG.error('The compute metadata service answered %d to %s', status,
                      req.path_qs)
        resp = webob.Response(status=status, body=data)
        # The compute metadata service's own type, charset or none, as it said it.
        resp.headers['Content-Type'] = content_type or 'text/plain'
        return resp


class MetadataAgent:
    """The daemon's manager: a heartbeat (``network agent list``) and the app."""

    target = messaging.Target(namespace='alto-metadata-agent-local', version='1.0')

    def __init__(self, plugin, host, secret, upstream, cache_seconds=5, context=None):
        self.plugin = plugin
        self.host = host
        self.context = context or alto_context.get_admin_context()
        self._start_flag = True
        self.ports = PortCache(self._lookup, cache_seconds)
        self.app = MetadataProxyApp(self.ports, upstream, secret)
        if not secret:
            LOG.warning('metadata_proxy_shared_secret is empty: the compute metadata '
                        'service will refuse every request')

    def _lookup(self, ip_address, router_id=None, network_id=None):
        return self.plugin.get_metadata_port(self.context, ip_address, router_id=router_id,
                                             network_id=network_id)

    def report_state(self):
        self.plugin.report_state(self.context, {
            'agent_type': AGENT_TYPE, 'binary': BINARY, 'host': self.host, 'topic': 'N/A',
            'start_flag': self._start_flag,
            'configurations': {'metadata_proxy_socket': 'unix', 'log_agent_heartbeats': False,
                               'nova_metadata_host': self.app.upstream.host,
                               'nova_metadata_port': self.app.upstream.port}})
        self._start_flag = False
