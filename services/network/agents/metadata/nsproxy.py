"""alto-ns-metadata-proxy: the metadata proxy inside one router (or DHCP) namespace.

The L3 agent starts one per router, inside ``qrouter-<id>``, where the
``nat`` table redirects guests' ``169.254.169.254:80`` to its port. It knows
only its router (or network) and the UNIX socket of alto-metadata-agent, which
lives outside the namespace: each request is forwarded there with the
guest's address (``X-Forwarded-For``, the TCP peer, never a header the guest
sent) and ``X-Alto-Router-ID`` / ``X-Alto-Network-ID``. The agent finds the
port and signs the request to the compute metadata service.

Standard library only, so a proxy per router costs a small process (no
oslo, no eventlet): a threading HTTP server, one thread per request.
"""

import argparse
import http.client
import http.server
import os
import socket
import sys

ROUTER_HEADER = 'X-Alto-Router-ID'
NETWORK_HEADER = 'X-Alto-Network-ID'
#: The only headers of the guest's request that travel on.
PASSED_HEADERS = ('Accept', 'Content-Type', 'User-Agent')
MAX_BODY = 64 * 1024


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__('localhost', timeout=timeout)
        self.unix_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


def forward_headers(request_headers, client_ip, router_id=None, network_id=None):
    """The headers sent to the metadata agent for one guest request."""
    headers = {name: request_headers[name] for name in PASSED_HEADERS
               if request_headers.get(name)}
    headers['X-Forwarded-For'] = client_ip
    if router_id:
        headers[ROUTER_HEADER] = router_id
    else:
        headers[NETWORK_HEADER] = network_id
    return headers


def make_handler(unix_socket, router_id=None, network_id=None, timeout=60):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.0'
        server_version = 'alto-ns-metadata-proxy'
        timeout = 30  # a guest that stops sending does not keep its thread

        def _proxy(self):
            length = int(self.headers.get('Content-Length') or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length) if length else None
            headers = forward_headers(self.headers, self.client_address[0], router_id,
                                      network_id)
            conn = UnixHTTPConnection(unix_socket, timeout)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except OSError as exc:
                self.log_message('metadata agent unreachable: %s', exc)
                self.send_error(503, 'The metadata service is not available')
                return
            finally:
                conn.close()
            self.send_response(resp.status)
            for name in ('Content-Type',):
                if resp.getheader(name):
                    self.send_header(name, resp.getheader(name))
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(data)

        do_GET = do_HEAD = do_POST = _proxy

    return Handler


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='alto-ns-metadata-proxy')
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument('--router-id')
    scope.add_argument('--network-id')
    parser.add_argument('--unix-socket', required=True,
                        help='alto-metadata-agent\'s socket')
    parser.add_argument('--bind-host', default='0.0.0.0')
    parser.add_argument('--port', type=int, default=9697)
    parser.add_argument('--pid-file')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    handler = make_handler(args.unix_socket, args.router_id, args.network_id)
    server = http.server.ThreadingHTTPServer((args.bind_host, args.port), handler)
    server.daemon_threads = True
    if args.pid_file:
        with open(args.pid_file + '.tmp', 'w') as f:
            f.write('%d\n' % os.getpid())
        os.replace(args.pid_file + '.tmp', args.pid_file)
    sys.stderr.write('alto-ns-metadata-proxy for %s listening on %s:%d\n'
                     % (args.router_id or args.network_id, args.bind_host, args.port))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
