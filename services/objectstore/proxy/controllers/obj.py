"""``/v1/<account>/<container>/<object>``: bodies, metadata, copies.

A PUT streams the client's body to every replica at once (chunked), and is
acknowledged when a quorum stored it; a read streams from the first replica
that has the object.  Conditional and range requests are decided by the
object server that answers.
"""

import mimetypes
import time
import urllib.parse

import webob

from services.objectstore import exception
from services.objectstore.common import metadata
from services.objectstore.common import paths
from services.objectstore.common import timestamp
from services.objectstore.proxy import backend as backend_mod
from services.objectstore.proxy.controllers import account as account_controller
from services.objectstore.proxy.controllers import base

_error = account_controller._error
CHUNK = 65536
#: what the proxy reads of a client's body at a time (each read is sent to
#: every replica: bigger reads, fewer sends and green thread switches)
UPLOAD_CHUNK = 256 * 1024
#: headers an object keeps from its PUT (and a copy keeps from its source)
CONTENT_HEADERS = ('Content-Type', 'Content-Encoding', 'Content-Disposition',
                   'Content-Language', 'Cache-Control', 'Expires')
#: headers the large-object and versioning modules set on a PUT (a client's
#: own are checked or refused by those modules first)
MODULE_HEADERS = ('X-Object-Manifest', 'X-Static-Large-Object')
#: headers the object servers take on conditional reads
READ_HEADERS = ('Range', 'If-Match', 'If-None-Match', 'If-Modified-Since',
                'If-Unmodified-Since')


def _true(value):
    return str(value or '').lower() in ('1', 'true', 'yes', 'on', 't', 'y')


def _split_copy_path(value):
    """``container/object`` of an ``X-Copy-From`` or ``Destination`` header."""
    text = urllib.parse.unquote(value or '').lstrip('/')
    container, _, obj = text.partition('/')
    if not container or not obj:
        raise exception.PreconditionFailed(
            reason='the copy header must be of the form <container name>/<object name>')
    return container, obj


class ObjectController(base.Controller):

    # -- shared steps --------------------------------------------------------
    def _container(self, req, account, container, obj, method=None):
        """Authorize against the container; 404 when it does not exist."""
        info = self.container_info(req, account, container)
        if info.status == 404:
            self.authorize(req, account, container, obj, acls={}, method=method)
            raise exception.NotFound()
        if info.status // 100 != 2:
            raise exception.ServiceUnavailable()
        self.authorize(req, account, container, obj, acls=self.container_acls(info),
                       method=method)
        return info

    def _expiry(self, req, headers):
        now = time.time()
        if 'X-Delete-After' in req.headers:
            try:
                after = int(req.headers['X-Delete-After'])
            except ValueError:
                raise exception.BadRequest(reason='Non-integer X-Delete-After')
            if after < 0:
                raise exception.BadRequest(reason='X-Delete-After in past')
            headers['X-Delete-At'] = str(int(now + after))
        elif req.headers.get('X-Delete-At'):
            try:
                delete_at = int(req.headers['X-Delete-At'])
            except ValueError:
                raise exception.BadRequest(reason='Non-integer X-Delete-At')
            if delete_at <= now:
                raise exception.BadRequest(reason='X-Delete-At in past')
            headers['X-Delete-At'] = str(delete_at)
        elif 'X-Delete-At' in req.headers or 'X-Remove-Delete-At' in req.headers:
            headers['X-Delete-At'] = ''

    def _object_headers(self, req, obj, base_headers=None):
        headers = dict(base_headers or {})
        headers.update(self.metadata_headers(req, 'Object'))
        headers = {k: v for k, v in headers.items() if v != ''}
        for name in CONTENT_HEADERS[1:] + MODULE_HEADERS:
            if req.headers.get(name):
                headers[name] = req.headers[name]
        headers.update({k: v for k, v in req.headers.items()
                        if k.lower().startswith('x-object-sysmeta-')})
        if metadata.sent_content_type(req.environ):
            headers['Content-Type'] = metadata.sent_content_type(req.environ)
        if _true(req.headers.get('X-Detect-Content-Type')) or not headers.get('Content-Type'):
            headers['Content-Type'] = mimetypes.guess_type(obj)[0] or 'application/octet-stream'
        self._expiry(req, headers)
        if headers.get('X-Delete-At') == '':
            del headers['X-Delete-At']
        return headers

    def _client_body(self, req):
        """The client's body in chunks (Content-Length or chunked)."""
        stream = req.environ['wsgi.input']
        length = req.content_length
        if length is None:
            if 'chunked' not in req.headers.get('Transfer-Encoding', '').lower():
                raise exception.LengthRequired()
            return iter(lambda: stream.read(UPLOAD_CHUNK), b''), None
        if length > self.conf.proxy.max_file_size:
            raise exception.TooLarge()

        def limited():
            left = length
            while left > 0:
                chunk = stream.read(min(UPLOAD_CHUNK, left))
                if not chunk:
                    raise exception.ClientDisconnect()
                left -= len(chunk)
                yield chunk
        return limited(), length

    def _store(self, account, container, obj, headers, chunks, length=None):
        """Stream ``chunks`` to every replica; the quorum's answer.  With the
        body's ``length`` known the replicas are sent it with that
        ``Content-Length``, else chunked."""
        ts = timestamp.now()
        cpart, cnodes, _, _ = self.backend.nodes('container', account, container)
        oreplicas = self.backend.rings['object'].replicas
        common = dict(headers, **{'X-Timestamp': ts, 'X-Trans-Id': self.app.trans_id()})

        def headers_for(index):
            return dict(common, **container_targets(cnodes, cpart, index, oreplicas))

        conns, replicas = self.backend.open_writes('object', (account, container, obj),
                                                   'PUT', headers_for, length)
        quorum = backend_mod.quorum_size(replicas)
        streams = self.backend.streams(conns)
        try:
            if len(conns) < quorum:
                raise exception.ServiceUnavailable()
            size = 0
            for chunk in chunks:
                size += len(chunk)
                if size > self.conf.proxy.max_file_size:
                    raise exception.TooLarge()
                data = chunk if length is not None else b'%x\r\n%s\r\n' % (len(chunk), chunk)
                if streams.send(data) < quorum:
                    raise exception.ServiceUnavailable()
            if streams.flush() < quorum:
                raise exception.ServiceUnavailable()
        except BaseException:
            streams.flush()
            streams.close()
            raise
        responses = self.backend.finish_writes(streams.conns, chunked=length is None,
                                               replicas=replicas)
        responses += [backend_mod.Response(503)] * (replicas - len(responses))
        best = backend_mod.best_response(responses, replicas)
        if best.status == 422:
            raise exception.Unprocessable()
        if best.status == 409:
            raise exception.Conflict()
        if best.status // 100 != 2:
            raise _error(best.status)
        return base.no_body(201, {'Etag': best.header('Etag'),
                                  'Last-Modified': best.header('Last-Modified'),
                                  'X-Timestamp': ts})

    # -- verbs -----------------------------------------------------------------
    def put(self, req, account, container, obj):
        try:
            paths.check_names(account, container, obj)
        except paths.BadPath as exc:
            raise exception.BadRequest(reason=str(exc))
        if req.headers.get('X-Copy-From'):
            src_container, src_obj = _split_copy_path(req.headers['X-Copy-From'])
            return self._copy(req, account, src_container, src_obj, container, obj)
        self._container(req, account, container, obj)
        headers = self._object_headers(req, obj)
        if req.headers.get('ETag'):
            headers['ETag'] = req.headers['ETag']
        chunks, length = self._client_body(req)
        return self._store(account, container, obj, headers, chunks, length)

    def copy(self, req, account, container, obj):
        dest_container, dest_obj = _split_copy_path(req.headers.get('Destination'))
        try:
            paths.check_names(account, dest_container, dest_obj)
        except paths.BadPath as exc:
            raise exception.BadRequest(reason=str(exc))
        return self._copy(req, account, container, obj, dest_container, dest_obj)

    def _copy(self, req, account, src_container, src_obj, dest_container, dest_obj):
        self._container(req, account, src_container, src_obj, method='GET')
        self._container(req, account, dest_container, dest_obj, method='PUT')
        source, raw, conn = self.backend.open_read(
            'object', (account, src_container, src_obj), 'GET',
            {'X-Trans-Id': self.app.trans_id()})
        if raw is None:
            raise _error(source.status)
        try:
            if source.status != 200:
                raise exception.NotFound()
            kept = {}
            if not _true(req.headers.get('X-Fresh-Metadata')):
                for name, value in source.headers.items():
                    if name.lower().startswith(('x-object-meta-', 'x-object-sysmeta-')):
                        kept[name] = value
                    elif name.title() in CONTENT_HEADERS + MODULE_HEADERS:
                        kept[name.title()] = value
            headers = self._object_headers(req, dest_obj, kept)
            if not metadata.sent_content_type(req.environ) and kept.get('Content-Type'):
                headers['Content-Type'] = kept['Content-Type']
            chunks = iter(lambda: raw.read(CHUNK), b'')
            resp = self._store(account, dest_container, dest_obj, headers, chunks)
        finally:
            conn.close()
        resp.headers['X-Copied-From'] = paths.quote('%s/%s' % (src_container, src_obj))
        if source.header('Last-Modified'):
            resp.headers['X-Copied-From-Last-Modified'] = source.header('Last-Modified')
        return resp

    def get(self, req, account, container, obj):
        self._container(req, account, container, obj)
        headers = {name: req.headers[name] for name in READ_HEADERS if name in req.headers}
        headers['X-Trans-Id'] = self.app.trans_id()
        resp, raw, conn = self.backend.open_read('object', (account, container, obj),
                                                 req.method, headers)
        if raw is None:
            raise _error(resp.status)
        out_headers = base.client_headers(resp.headers)
        length = resp.header('Content-Length')
        out = webob.Response(status=resp.status)
        # (setting app_iter drops Content-Length: set it first)
        if req.method == 'GET' and resp.status in (200, 206, 416):
            out.app_iter = _stream(raw, conn)
        else:
            raw.read()
            conn.close()
            out.app_iter = []
        out.headerlist = list(out_headers.items())
        if length is not None:
            out.headerlist.append(('Content-Length', length))
        return out

    head = get

    def post(self, req, account, container, obj):
        self._container(req, account, container, obj)
        headers = self._object_headers(req, obj)
        if not metadata.sent_content_type(req.environ):
            headers.pop('Content-Type', None)   # keep the object's own
        headers.update({'X-Timestamp': timestamp.now(), 'X-Trans-Id': self.app.trans_id()})
        resp = self.backend.write_all('object', (account, container, obj), 'POST',
                                      lambda i: headers)
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return base.no_body(202)

    def delete(self, req, account, container, obj):
        self._container(req, account, container, obj)
        ts = timestamp.now()
        cpart, cnodes, _, _ = self.backend.nodes('container', account, container)
        oreplicas = self.backend.rings['object'].replicas

        def headers_for(index):
            return dict(container_targets(cnodes, cpart, index, oreplicas),
                        **{'X-Timestamp': ts, 'X-Trans-Id': self.app.trans_id()})

        resp = self.backend.write_all('object', (account, container, obj), 'DELETE',
                                      headers_for)
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return base.no_body(204)


def container_targets(cnodes, cpart, index, object_replicas):
    """The container replicas object replica ``index`` updates: its own and
    the next ones, at least two, and all of them between them even when
    there are fewer object replicas than container replicas.  Each container
    replica then hears of a write from two object replicas: with one object
    server down every listing still shows the write at once (one update per
    container replica would leave a listing without it until replication).
    """
    count = min(len(cnodes), max(2, -(-len(cnodes) // max(object_replicas, 1))))
    picked = [cnodes[(index + k) % len(cnodes)] for k in range(count)]
    return {'X-Container-Host': ','.join('%s:%s' % (n['ip'], n['port']) for n in picked),
            'X-Container-Device': ','.join(n['device'] for n in picked),
            'X-Container-Partition': str(cpart)}


def _stream(raw, conn):
    try:
        while True:
            chunk = raw.read(CHUNK)
            if not chunk:
                break
            yield chunk
    finally:
        conn.close()
