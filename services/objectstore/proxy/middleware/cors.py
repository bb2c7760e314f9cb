"""Cross-origin requests (CORS), allowed per container by its metadata:

    X-Container-Meta-Access-Control-Allow-Origin    origins (space separated) or *
    X-Container-Meta-Access-Control-Max-Age         seconds a preflight is cached
    X-Container-Meta-Access-Control-Expose-Headers  headers a script may read

A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
needs no token: 200 with the allowed methods and headers for an allowed
origin, 401 otherwise.  Any other request with an allowed ``Origin`` gets
``Access-Control-Allow-Origin`` and ``Access-Control-Expose-Headers``.
"""

import webob

from services.objectstore.proxy.middleware import subrequest

META = 'X-Container-Meta-Access-Control-'
METHODS = 'HEAD, GET, PUT, POST, COPY, OPTIONS, DELETE'
EXPOSED = ('cache-control', 'content-language', 'content-type', 'expires', 'last-modified',
           'pragma', 'etag', 'x-timestamp', 'x-trans-id', 'x-openstack-request-id')


def capabilities(conf):
    return {}     # Swift serves CORS from its proxy server, with no /info entry


def allowed_origin(info, origin):
    """The ``Access-Control-Allow-Origin`` value for ``origin``, or None."""
    if info.status // 100 != 2:
        return None
    allowed = (info.header(META + 'Allow-Origin') or '').split()
    if '*' in allowed:
        return '*'
    return origin if origin in allowed else None


class CORS(subrequest.Module):

    def handle(self, req, account, container, obj):
        origin = req.headers.get('Origin')
        if container is None or not origin:
            return self.passthrough(req)
        info = self.proxy.info(req.environ, account, container)
        allow = allowed_origin(info, origin)
        if req.method == 'OPTIONS' and 'Access-Control-Request-Method' in req.headers:
            if allow is None or req.headers['Access-Control-Request-Method'] not in METHODS:
                return webob.Response(status=401, content_type='text/plain',
                                      body=b'Unauthorized')
            resp = webob.Response(status=200, content_type='text/html', charset='utf-8')
            resp.headers.update({'Access-Control-Allow-Origin': allow,
                                 'Access-Control-Allow-Methods': METHODS, 'Allow': METHODS})
            if req.headers.get('Access-Control-Request-Headers'):
                resp.headers['Access-Control-Allow-Headers'] = \
                    req.headers['Access-Control-Request-Headers']
            if info.header(META + 'Max-Age'):
                resp.headers['Access-Control-Max-Age'] = info.header(META + 'Max-Age')
            return resp
        resp = req.get_response(self.app)
        if allow is not None:
            exposed = list(EXPOSED) + [n.lower() for n in resp.headers
                                       if n.lower().startswith('x-object-meta-')]
            exposed += (info.header(META + 'Expose-Headers') or '').replace(',', ' ').split()
            resp.headers['Access-Control-Allow-Origin'] = allow
            resp.headers['Access-Control-Expose-Headers'] = ', '.join(exposed)
        return resp
