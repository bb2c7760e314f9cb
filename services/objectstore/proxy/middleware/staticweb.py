"""Static websites: a container served as a site to anonymous readers.

The container's metadata turns it on (for requests without a token, or with
``X-Web-Mode: true``): ``X-Container-Meta-Web-Index`` (``index.html``)
answers ``/v1/<account>/<container>/`` and every ``<dir>/`` with that
object; ``-Web-Listings: true`` answers them, when there is no index,
with an HTML listing (``-Web-Listings-CSS`` names a style sheet);
``-Web-Error`` (``error.html``) answers a 404 or 401 with the object
``<status><name>`` (``404error.html``), under the same status.  A
container path without its trailing slash, or a pseudo-directory named
without one, is redirected (301) to the name with it.

Requests go on as the client: an anonymous reader needs the container's
``.r:*`` (and ``.rlistings`` for listings) as for any other read.
"""

import html
import json
import urllib.parse

import webob

from services.objectstore.common import paths
from services.objectstore.proxy import acl
from services.objectstore.proxy.middleware import subrequest

META = 'X-Container-Meta-Web-'


def capabilities(conf):
    return {'staticweb': {}}


def _true(value):
    return str(value or '').lower() in ('1', 'true', 'yes', 'on', 't', 'y')


class StaticWeb(subrequest.Module):

    def handle(self, req, account, container, obj):
        if container is None or req.method not in ('GET', 'HEAD'):
            return self.passthrough(req)
        identity = acl.Identity.from_environ(req.environ)
        if identity.authenticated and not _true(req.headers.get('X-Web-Mode')):
            return self.passthrough(req)
        if req.environ.get('objectstore.source') or \
                req.environ.get('objectstore.authorized_account'):
            return self.passthrough(req)   # a module's request, or a temporary URL
        info = self.proxy.info(req.environ, account, container)
        if info.status // 100 != 2:
            return self.passthrough(req)
        site = {k: info.header(META + k) for k in ('Index', 'Listings', 'Listings-Css',
                                                    'Error')}
        if not site['Index'] and not _true(site['Listings']):
            return self.passthrough(req)
        site['Listings'] = _true(site['Listings'])
        if obj is None:
            if not paths.wsgi_path(req.environ).endswith('/'):
                return _redirect(req, paths.wsgi_path(req.environ) + '/')
            return self._directory(req, account, container, '', site)
        if obj.endswith('/'):
            return self._directory(req, account, container, obj, site)
        resp = subrequest.respond(self.app, req)   # (a refusal as an answer)
        if resp.status_int != 404:
            return self._error(req, account, container, resp, site)
        # a pseudo-directory named without its slash
        if self._is_directory(req, account, container, obj + '/', site):
            return _redirect(req, paths.wsgi_path(req.environ) + '/')
        return self._error(req, account, container, resp, site)

    def _get(self, req, account, container, obj, method=None):
        return subrequest.call(self.app, req.environ, method or req.method,
                               subrequest.api_path(account, container, obj),
                               source='staticweb')

    def _directory(self, req, account, container, prefix, site):
        if site['Index']:
            resp = self._get(req, account, container, prefix + site['Index'])
            if resp.status_int // 100 == 2 or resp.status_int == 304:
                return resp
            if resp.status_int != 404:
                return self._error(req, account, container, resp, site)
        if not site['Listings']:
            return self._error(req, account, container, _not_found(), site)
        return self._listing(req, account, container, prefix, site)

    def _is_directory(self, req, account, container, prefix, site):
        if site['Index']:
            head = self._get(req, account, container, prefix + site['Index'], 'HEAD')
            if head.status_int // 100 == 2:
                return True
        if site['Listings']:
            rows = self._rows(req, account, container, prefix, limit=1)
            return isinstance(rows, list) and bool(rows)
        return False

    def _rows(self, req, account, container, prefix, limit=None):
        query = {'format': 'json', 'delimiter': '/', 'prefix': prefix}
        if limit:
            query['limit'] = str(limit)
        resp = subrequest.call(self.app, req.environ, 'GET',
                               subrequest.api_path(account, container), query=query,
                               source='staticweb')
        if resp.status_int // 100 != 2:
            return resp
        return json.loads(resp.body or b'[]')

    def _listing(self, req, account, container, prefix, site):
        rows = self._rows(req, account, container, prefix)
        if not isinstance(rows, list):
            return self._error(req, account, container, rows, site)
        if prefix and not rows:
            return self._error(req, account, container, _not_found(), site)
        title = html.escape('Listing of %s/%s' % (subrequest.api_path(account, container),
                                                  prefix))
        lines = ['<!DOCTYPE html>', '<html>', '<head>', '<title>%s</title>' % title]
        if site['Listings-Css']:
            lines.append('<link rel="stylesheet" type="text/css" href="%s" />'
                         % html.escape(_css_href(site['Listings-Css'], prefix), quote=True))
        lines += ['</head>', '<body>', '<h1 id="title">%s</h1>' % title,
                  '<table id="listing">',
                  '<tr id="heading"><th class="colname">Name</th><th class="colsize">'
                  'Size</th><th class="coldate">Date</th></tr>']
        if prefix:
            lines.append('<tr id="parent" class="item"><td class="colname">'
                         '<a href="../">../</a></td><td class="colsize">&nbsp;</td>'
                         '<td class="coldate">&nbsp;</td></tr>')
        for row in rows:
            name = row.get('subdir') or row['name']
            shown = name[len(prefix):]
            href = html.escape(urllib.parse.quote(shown), quote=True)
            if 'subdir' in row:
                lines.append('<tr class="item subdir"><td class="colname"><a href="%s">%s'
                             '</a></td><td class="colsize">&nbsp;</td><td class="coldate">'
                             '&nbsp;</td></tr>' % (href, html.escape(shown)))
            else:
                lines.append('<tr class="item"><td class="colname"><a href="%s">%s</a>'
                             '</td><td class="colsize">%d</td><td class="coldate">%s</td>'
                             '</tr>' % (href, html.escape(shown), row.get('bytes', 0),
                                        html.escape(row.get('last_modified', '')[:19])))
        lines += ['</table>', '</body>', '</html>', '']
        resp = webob.Response(status=200, content_type='text/html', charset='utf-8')
        resp.body = '\n'.join(lines).encode('utf-8')
        if req.method == 'HEAD':
            resp.app_iter = []
        return resp

    def _error(self, req, account, container, resp, site):
        """``resp``, or the site's error page for its status (401, 404)."""
        if not site['Error'] or resp.status_int not in (401, 404):
            return resp
        page = self._get(req, account, container, '%d%s' % (resp.status_int, site['Error']),
                         'GET')
        if page.status_int != 200:
            return resp
        page.status = resp.status_int
        for name in ('Etag', 'Last-Modified', 'Accept-Ranges'):
            page.headers.pop(name, None)
        if req.method == 'HEAD':
            page.app_iter = []
        return page


def _css_href(css, prefix):
    if css.startswith(('/', 'http://', 'https://')):
        return css
    return '../' * prefix.count('/') + css


def _redirect(req, path):
    resp = webob.Response(status=301, content_type='text/html', charset='utf-8')
    resp.location = paths.quote(path) + ('?' + req.query_string if req.query_string else '')
    resp.body = b''
    return resp


def _not_found():
    return webob.Response(status=404, content_type='text/plain', body=b'Not Found')
