"""The metadata agent: port lookup, signing and proxying (fakes for the
conductor and the compute metadata service), and what the namespace proxy
passes on."""

import hashlib
import hmac

import webob

from services.compute.metadata import handler as compute_metadata
from services.network.agents.metadata import agent as md_agent
from services.network.agents.metadata import nsproxy

SECRET = 'metadata-secret'
PORT = {'id': 'port-1', 'device_id': 'instance-1', 'project_id': 'project-1',
        'network_id': 'net-1'}


def test_signature_is_the_one_compute_checks():
    expected = hmac.new(SECRET.encode(), b'instance-1', hashlib.sha256).hexdigest()
    assert md_agent.sign(SECRET, 'instance-1') == expected
    assert md_agent.sign(SECRET, 'instance-1') == compute_metadata.sign(SECRET, 'instance-1')
    assert md_agent.signed_headers(SECRET, PORT, '10.0.0.5') == {
        'X-Instance-ID': 'instance-1', 'X-Tenant-ID': 'project-1',
        'X-Forwarded-For': '10.0.0.5', 'X-Instance-ID-Signature': expected}


class Lookups:
    def __init__(self, ports):
        self.ports = ports
        self.calls = []

    def __call__(self, ip_address, router_id=None, network_id=None):
        self.calls.append((ip_address, router_id, network_id))
        return self.ports.get((ip_address, router_id or network_id))


class Upstream:
    def __init__(self, status=200, body=b'instance-1', fail=False):
        self.requests = []
        self.status, self.body, self.fail = status, body, fail
        self.host, self.port = '127.0.0.1', 8775

    def request(self, method, path, headers, body=None):
        if self.fail:
            raise ConnectionRefusedError('refused')
        self.requests.append((method, path, dict(headers), body))
        return self.status, 'text/plain; charset=UTF-8', self.body


def _app(upstream=None, ports=None, ttl=5, clock=None):
    lookups = Lookups(ports if ports is not None else {('10.0.0.5', 'router-1'): PORT})
    cache = md_agent.PortCache(lookups, ttl, clock=clock or (lambda: 0))
    return md_agent.MetadataProxyApp(cache, upstream or Upstream(), SECRET), lookups


def _get(app, path='/latest/meta-data/instance-id', **headers):
    base = {'X-Forwarded-For': '10.0.0.5', nsproxy.ROUTER_HEADER: 'router-1'}
    base.update(headers)
    return webob.Request.blank(path, headers={k: v for k, v in base.items() if v}).get_response(
        app)


def test_a_request_is_signed_and_answered():
    upstream = Upstream()
    app, _ = _app(upstream)
    resp = _get(app, '/latest/meta-data/instance-id?x=1', Accept='text/plain')
    assert (resp.status_int, resp.body) == (200, b'instance-1')
    assert resp.headers['Content-Type'] == 'text/plain; charset=UTF-8'
    method, path, headers, body = upstream.requests[0]
    assert (method, path, body) == ('GET', '/latest/meta-data/instance-id?x=1', None)
    assert headers == dict(md_agent.signed_headers(SECRET, PORT, '10.0.0.5'),
                           Accept='text/plain')


def test_guest_headers_cannot_name_another_instance():
    upstream = Upstream()
    app, _ = _app(upstream)
    _get(app, **{'X-Instance-ID': 'someone-else', 'X-Tenant-ID': 'other'})
    assert upstream.requests[0][2]['X-Instance-ID'] == 'instance-1'
    assert upstream.requests[0][2]['X-Tenant-ID'] == 'project-1'


def test_unknown_address_missing_headers_and_upstream_down():
    app, _ = _app()
    assert _get(app, **{'X-Forwarded-For': '10.0.0.99'}).status_int == 404
    assert _get(app, **{'X-Forwarded-For': None}).status_int == 400
    assert _get(app, **{nsproxy.ROUTER_HEADER: None}).status_int == 400
    down, _ = _app(Upstream(fail=True))
    assert _get(down).status_int == 503
    refused, _ = _app(Upstream(status=403, body=b'Invalid proxy request signature.'))
    assert _get(refused).status_int == 403


def test_network_scope_and_the_lookup_cache():
    now = [0]
    app, lookups = _app(ports={('10.0.0.5', 'net-1'): PORT, ('10.0.0.5', 'router-1'): PORT},
                        clock=lambda: now[0])
    assert _get(app, **{nsproxy.ROUTER_HEADER: None,
                        nsproxy.NETWORK_HEADER: 'net-1'}).status_int == 200
    assert lookups.calls == [('10.0.0.5', None, 'net-1')]
    _get(app)
    _get(app)
    assert lookups.calls.count(('10.0.0.5', 'router-1', None)) == 1
    now[0] = 10  # past the TTL: asked again
    _get(app)
    assert lookups.calls.count(('10.0.0.5', 'router-1', None)) == 2
    # Not found is not remembered.
    _get(app, **{'X-Forwarded-For': '10.0.0.6'})
    _get(app, **{'X-Forwarded-For': '10.0.0.6'})
    assert lookups.calls.count(('10.0.0.6', 'router-1', None)) == 2


def test_namespace_proxy_passes_only_its_own_view_of_the_guest():
    sent = nsproxy.forward_headers(
        {'Accept': 'application/json', 'X-Forwarded-For': '1.2.3.4',
         'X-Instance-ID': 'forged', nsproxy.ROUTER_HEADER: 'forged-router'},
        '10.0.0.5', router_id='router-1')
    assert sent == {'Accept': 'application/json', 'X-Forwarded-For': '10.0.0.5',
                    nsproxy.ROUTER_HEADER: 'router-1'}
    sent = nsproxy.forward_headers({}, '10.0.0.5', network_id='net-1')
    assert sent == {'X-Forwarded-For': '10.0.0.5', nsproxy.NETWORK_HEADER: 'net-1'}


def test_agent_reports_itself():
    class Plugin:
        def __init__(self):
            self.states = []

        def report_state(self, context, state):
            self.states.append(state)

    plugin = Plugin()
    agent = md_agent.MetadataAgent(plugin, 'node1', SECRET, Upstream(), context=object())
    agent.report_state()
    assert plugin.states[0]['agent_type'] == 'Metadata agent'
    assert plugin.states[0]['binary'] == 'neutron-metadata-agent'


def test_namespace_proxy_forwards_over_the_agent_socket(tmp_path):
    """A guest's request through the proxy's handler (a socket pair stands in
    for the guest's TCP connection) reaches a server on the UNIX socket."""
    import http.server
    import socket
    import socketserver
    import threading

    seen = []

    class Agent(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, dict(self.headers)))
            body = b'instance-1'
            self.send_response(200)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    path = str(tmp_path / 'md.sock')
    server = socketserver.UnixStreamServer(path, Agent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    guest, proxy_side = socket.socketpair()
    try:
        guest.sendall(b'GET /latest/meta-data/instance-id HTTP/1.0\r\n'
                      b'X-Instance-ID: forged\r\nAccept: text/plain\r\n\r\n')
        handler = nsproxy.make_handler(path, router_id='router-1')

        class Server:
            pass
        handler(proxy_side, ('10.0.0.5', 40000), Server())
        proxy_side.close()
        answer = b''
        while True:
            chunk = guest.recv(4096)
            if not chunk:
                break
            answer += chunk
    finally:
        guest.close()
        server.shutdown()
        server.server_close()
    assert answer.startswith(b'HTTP/1.0 200') and answer.endswith(b'\r\n\r\ninstance-1')
    path_seen, headers = seen[0]
    assert path_seen == '/latest/meta-data/instance-id'
    assert headers['X-Forwarded-For'] == '10.0.0.5'
    assert headers[nsproxy.ROUTER_HEADER] == 'router-1'
    assert 'X-Instance-ID' not in headers and headers['Accept'] == 'text/plain'
