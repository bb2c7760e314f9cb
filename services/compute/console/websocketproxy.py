"""alto-compute-novncproxy's WebSocket proxy: a noVNC client's WebSocket to
a guest's VNC display (websockify), for a valid console token only.

Before the WebSocket handshake the request must carry a token (the
``token`` query parameter, one inside the ``path`` parameter noVNC is
given, or a ``token`` cookie) that the conductor still holds for a server
(:class:`ConsoleAuthToken`), and the server's compute host must confirm
that the display behind it is still that server's (a guest started again
may have another port, and its old port another guest); a browser's
``Origin`` must be the proxy's own host. Anything else is refused as nova's
proxy refuses it: the handshake completes and the WebSocket is closed at
once (a close frame with no status, 1011 when the token could not be
checked), nothing proxied. Connections are served on green threads of this
daemon.
"""

import http.cookies
import socket
import urllib.parse

from oslo_config import cfg
from oslo_log import log as logging
from websockify import websocketproxy
from websockify import websockifyserver

from common import context as alto_context
from services.compute import exception
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.objects import console_auth_token as console_obj
from services.compute.objects import instance as inst_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class Refused(Exception):
    pass


def token_of(path, headers):
    """The console token of a request, or None."""
    query = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
    if query.get('token'):
        return query['token'][0]
    if query.get('path'):
        inner = urllib.parse.parse_qs(urllib.parse.urlparse(query['path'][0]).query)
        if inner.get('token'):
            return inner['token'][0]
    cookies = http.cookies.SimpleCookie(headers.get('Cookie') or '')
    return cookies['token'].value if 'token' in cookies else None


def check_origin(headers):
    """A browser's Origin must name the host it reached us by (no other
    site's page may open consoles with a user's URL)."""
    origin = headers.get('Origin')
    if not origin:
        return
    origin_host = urllib.parse.urlparse(origin).hostname
    host = urllib.parse.urlparse('//' + (headers.get('Host') or '')).hostname
    if not origin_host or origin_host != host:
        raise Refused('Origin %s does not match the host %s' % (origin, host))


def authorize(path, headers):
    """The console record a request may open; Refused otherwise."""
    check_origin(headers)
    token = token_of(path, headers)
    if not token:
        raise Refused('No console token')
    context = alto_context.get_admin_context()
    try:
        console = console_obj.ConsoleAuthToken.validate(context, token)
        instance = inst_obj.Instance.get_by_uuid(context, console.instance_uuid)
    except (exception.InvalidToken, exception.InstanceNotFound) as exc:
        raise Refused(str(exc))
    if not instance.host or not compute_rpcapi.ComputeAPI().validate_console_port(
            context, instance.host, instance.uuid, console.port, console.console_type):
        raise Refused('The console of %s moved' % instance.uuid)
    return console


class ConsoleProxyHandler(websocketproxy.ProxyRequestHandler):
    def handle_upgrade(self):
        self.console, self.refusal = None, (None, '')
        try:
            self.console = authorize(self.path, self.headers)
        except Refused as exc:
            LOG.info('Console connection from %s refused: %s', self.client_address[0], exc)
        except Exception:
            LOG.exception('Checking a console token failed')
            self.refusal = (1011, 'Console authorization is unavailable')
        else:
            LOG.info('Console of %s (%s:%s) for %s', self.console.instance_uuid,
                     self.console.host, self.console.port, self.client_address[0])
        super().handle_upgrade()

    def new_websocket_client(self):
        console = self.console
        if console is None:
            raise self.CClose(*self.refusal)
        try:
            target = websockifyserver.WebSockifyServer.socket(console.host, console.port,
                                                              connect=True)
        except Exception as exc:
            LOG.warning('Cannot reach the display of %s at %s:%s: %s',
                        console.instance_uuid, console.host, console.port, exc)
            raise self.CClose(1011, 'Failed to connect to the console')
        target.setsockopt(socket.SOL_TCP, socket.TCP_NODELAY, 1)
        self.request.setsockopt(socket.SOL_TCP, socket.TCP_NODELAY, 1)
        try:
            self.do_proxy(target)
        finally:
            target.shutdown(socket.SHUT_RDWR)
            target.close()

    def log_message(self, format, *args):
        LOG.debug('%s %s', self.client_address[0], format % args)


def build_server(host, port, web=None):
    """The proxy's threaded HTTP server (serves ``web``'s files too, when
    that directory exists)."""
    import os
    web = web if web and os.path.isdir(web) else ''
    server = websocketproxy.LibProxyServer(ConsoleProxyHandler, listen_host=host,
                                           listen_port=port, web=web)
    server.file_only = True
    return server
