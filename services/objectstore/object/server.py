"""``alto-object-server``: objects on the node's devices (port 6200).

    PUT    /dev/part/a/c/o   store a body (201; 409 if a newer version exists,
                             422 if the body does not match its ETag)
    GET / HEAD               the newest version (404 for a tombstone or an
                             expired object); conditional and range requests
    POST                     replace the user metadata (202)
    DELETE                   write a tombstone (204, or 404 when nothing was there);
                             with ``X-If-Delete-At`` (the expirer) only while the
                             object still expires then (else 412)

Replicators (``object/replicator.py``) use two more verbs:

    REPLICATE /dev/part          ``{suffix: hash}`` of the partition (JSON)
    REPLICATE /dev/part/s1-s2    ``{suffix: {name_hash: [file names]}}`` of those
                                 suffixes
    SYNC /dev/part               put a replica's files in place (a line
                             ``<suffix>/<hash>/<ts>.data|.meta|.ts <size> <entry>`` then
                             the bytes, per file); answers ``{"placed", "obsolete",
                             "refused": {path: why}}`` (a ``.data`` whose body does not
                             match its ETag is refused)

A PUT or POST with ``X-Delete-At`` records the object in the device's expiry
queue (``object/expiring.py``).

After a PUT or DELETE the server tells the container replicas the proxy
named (``X-Container-Host`` / ``-Device``, comma-separated, and
``-Partition``); an update that fails is queued as an async pending.
"""

import json
import time

import webob
import webob.exc

from services.objectstore.common import client
from services.objectstore.common import byteranges
from services.objectstore.common import conditions
from services.objectstore.common import metadata
from services.objectstore.common import server
from services.objectstore.common import timestamp
from services.objectstore.object import diskfile
from services.objectstore.object import expiring
from services.objectstore.object import replication
from services.objectstore.ring import ring as ring_mod

#: request headers an object keeps besides its user metadata
KEPT_HEADERS = ('Content-Type', 'Content-Encoding', 'Content-Disposition', 'X-Delete-At',
                'Content-Language', 'Cache-Control', 'Expires', 'X-Object-Manifest',
                'X-Static-Large-Object')
#: of those, the ones a POST may change
POSTABLE = ('Content-Type', 'Content-Encoding', 'Content-Disposition', 'X-Delete-At',
            'Content-Language', 'Cache-Control', 'Expires', 'X-Object-Manifest')
#: the proxy modules' own object metadata (kept from the PUT, as the data's facts)
SYSMETA = 'x-object-sysmeta-'


def _expired(meta, now=None):
    delete_at = meta.get('X-Delete-At')
    if not delete_at:
        return False
    try:
        return int(delete_at) <= (now or time.time())
    except ValueError:
        return False


class ClientDisconnect(Exception):
    """The sender's body ended before its Content-Length."""


def _whole_body(chunks, length):
    """``chunks``, raising ClientDisconnect (before the last one is stored)
    when they add up to less than ``length`` (None: chunked, no check)."""
    got = 0
    for chunk in chunks:
        got += len(chunk)
        yield chunk
    if length is not None and got < length:
        raise ClientDisconnect()


def _user_metadata(headers, names):
    kept = {}
    for name, value in headers.items():
        low = name.lower()
        if low.startswith('x-object-meta-') and len(low) > len('x-object-meta-') or \
                low.startswith(SYSMETA) and len(low) > len(SYSMETA):
            kept[metadata.title(low)] = value
    for name in names:
        if name in headers:
            kept[name] = headers[name]
    return kept


class ObjectServer(server.StorageServer):
    server_type = 'object'
    replication_methods = ('REPLICATE', 'SYNC')

    def diskfile(self, target):
        if target.obj is None:
            raise webob.exc.HTTPBadRequest('An object request names an object')
        name_hash = ring_mod.hash_path(self.hash_prefix, self.hash_suffix, target.account,
                                       target.container, target.obj).hex()
        return diskfile.DiskFile(target.device_path, target.part, name_hash,
                                 fsync=self.conf.storage.fsync, offload=self.offload,
                                 bytes_per_sync=self.conf.storage.bytes_per_sync,
                                 keep_cache_size=self.conf.storage.keep_cache_size,
                                 spawn=self.spawn), name_hash

    @staticmethod
    def _older(state, ts):
        if state.timestamp is not None and state.timestamp >= ts:
            raise webob.exc.HTTPConflict(headers={'X-Backend-Timestamp': state.timestamp})

    def put(self, req, target):
        ts = server.request_timestamp(req)
        disk, name_hash = self.diskfile(target)
        self._older(disk.state(), ts)
        meta = _user_metadata(req.headers, KEPT_HEADERS)
        meta.setdefault('Content-Type', 'application/octet-stream')
        # from the proxy with the client's Content-Length, or chunked
        stream = req.environ['wsgi.input']
        body = _whole_body(iter(lambda: stream.read(diskfile.UPLOAD_CHUNK), b''),
                           req.content_length)
        try:
            etag, size = disk.write(body, meta, ts, expected_etag=req.headers.get('ETag'))
        except diskfile.DiskFileError as exc:
            if str(exc) == 'etag':
                return server.plain(422, 'Unprocessable Entity: the body does not match '
                                         'its ETag')
            raise
        except ClientDisconnect:
            return server.plain(499, 'Client Disconnect: the body ended early')
        self._queue_expiry(target, name_hash, meta)
        self._update_container(req, target, name_hash, 'PUT', ts, {
            'X-Size': str(size), 'X-Content-Type': meta['Content-Type'], 'X-Etag': etag})
        return server.plain(201, headers={'ETag': etag,
                                          'Last-Modified': timestamp.http_date(ts)})

    def delete(self, req, target):
        ts = server.request_timestamp(req)
        disk, name_hash = self.diskfile(target)
        state = disk.state()
        self._older(state, ts)
        if 'X-If-Delete-At' in req.headers and (
                state.kind != 'data' or
                state.metadata.get('X-Delete-At') != req.headers['X-If-Delete-At']):
            raise webob.exc.HTTPPreconditionFailed('the object no longer expires then')
        # (the expirer's DELETE of an object past its time removes it: 204)
        existed = state.kind == 'data' and ('X-If-Delete-At' in req.headers or
                                            not _expired(state.metadata))
        disk.write_tombstone(ts)
        self._update_container(req, target, name_hash, 'DELETE', ts, {})
        return server.plain(204 if existed else 404)

    def post(self, req, target):
        ts = server.request_timestamp(req)
        disk, name_hash = self.diskfile(target)
        state = disk.state()
        if state.kind != 'data' or _expired(state.metadata):
            raise webob.exc.HTTPNotFound()
        self._older(state, ts)
        meta = _user_metadata(req.headers, [h for h in POSTABLE if h != 'Content-Type'])
        meta['Content-Type'] = metadata.sent_content_type(req.environ) or \
            state.metadata.get('Content-Type')
        disk.write_meta(meta, ts)
        self._queue_expiry(target, name_hash, meta)
        return server.plain(202)

    @staticmethod
    def _queue_expiry(target, name_hash, meta):
        try:
            delete_at = int(meta.get('X-Delete-At') or 0)
        except ValueError:
            return
        if delete_at > 0:
            expiring.record(target.device_path, delete_at, name_hash, target.account,
                            target.container, target.obj)

    # -- replication -----------------------------------------------------------
    def _reclaim_before(self):
        return timestamp.normalize(max(0, time.time() - self.conf.replicator.reclaim_age))

    def replicate(self, req, device_path, part, rest):
        suffixes = rest.split('-') if rest else []
        if not all(replication.SUFFIX.match(suffix) for suffix in suffixes):
            return server.plain(400, 'expected /device/partition[/suffix[-suffix...]]')
        if suffixes:
            reclaim_before = self._reclaim_before()
            answer = {suffix: replication.suffix_listing(device_path, part, suffix,
                                                         reclaim_before)
                      for suffix in suffixes}
        else:
            answer = replication.suffix_hashes(device_path, part, self._reclaim_before())
        resp = server.plain(200)
        resp.content_type = 'application/json'
        resp.body = json.dumps(answer).encode('utf-8')
        return resp

    def sync(self, req, device_path, part, rest):
        """Files of a partition, one after another: each a line ``<suffix>/
        <hash>/<file> <size> <expiry entry JSON or ->`` then its bytes."""
        if rest:
            return server.plain(400, 'expected /device/partition')
        stream = req.environ['wsgi.input']
        answer = {'placed': 0, 'obsolete': 0, 'refused': {}}
        while True:
            line = stream.readline(replication.MAX_FRAME_LINE)
            if not line:
                break
            try:
                path, size, entry = replication.parse_frame_line(line)
            except replication.BadName as exc:
                return server.plain(400, str(exc))
            suffix, name_hash, file_name = path.split('/')
            disk = diskfile.DiskFile(device_path, part, name_hash,
                                     fsync=self.conf.storage.fsync, offload=self.offload)
            body = replication.read_exactly(stream, size)
            try:
                kept = disk.place_file(file_name, body)
            except diskfile.DiskFileError as exc:
                answer['refused'][path] = str(exc)
                for _ in body:   # the rest of this file's bytes
                    pass
                continue
            except replication.BadName as exc:
                return server.plain(400, str(exc))
            answer['placed' if kept else 'obsolete'] += 1
            if kept and entry:
                self._queue_replicated_expiry(device_path, name_hash, entry)
        resp = server.plain(200)
        resp.content_type = 'application/json'
        resp.body = json.dumps(answer).encode('utf-8')
        return resp

    def _queue_replicated_expiry(self, device_path, name_hash, text):
        """Record the expiry entry a replica sent with a file, if it names
        this object."""
        try:
            entry = json.loads(text)
            names = (entry['account'], entry['container'], entry['obj'])
            delete_at = int(entry['delete_at'])
            ours = ring_mod.hash_path(self.hash_prefix, self.hash_suffix, *names).hex()
        except (ValueError, KeyError, TypeError, AttributeError):
            return
        if ours == name_hash and delete_at > 0:
            expiring.record(device_path, delete_at, name_hash, *names)

    def head(self, req, target):
        return self.get(req, target)

    def get(self, req, target):
        disk, _ = self.diskfile(target)
        state = disk.state()
        if state.kind != 'data' or _expired(state.metadata):
            headers = {'X-Backend-Timestamp': state.timestamp} if state.timestamp else {}
            raise webob.exc.HTTPNotFound(headers=headers)
        meta = state.metadata
        etag = meta['ETag']
        data_ts = meta.get('X-Timestamp', state.timestamp)
        headers = {k: v for k, v in meta.items() if k not in ('Content-Length',)}
        headers.update({'ETag': etag, 'X-Timestamp': data_ts,
                        'Last-Modified': timestamp.http_date(data_ts),
                        'X-Backend-Timestamp': state.timestamp, 'Accept-Ranges': 'bytes'})
        status = conditions.precondition_status(req.headers, req.method, etag, data_ts)
        if status is not None:
            resp = webob.Response(status=status, headers=headers)
            resp.content_type = None
            return resp
        length = state.body_length
        spans = byteranges.parse(req.headers.get('Range'), length)
        if spans == 'unsatisfiable':
            resp = server.plain(416, 'Requested Range Not Satisfiable', headers={
                'Content-Range': 'bytes */%d' % length, 'ETag': etag,
                'Accept-Ranges': 'bytes'})
            return resp
        resp = webob.Response(headers=headers)
        if spans is not None and len(spans) > 1:
            body = byteranges.Multipart(spans, length, meta.get('Content-Type'),
                                        lambda a, b: disk.reader(state, a, b))
            resp.status = 206
            resp.headers['Content-Type'] = body.content_type
            resp.app_iter = body if req.method == 'GET' else []
            resp.content_length = body.content_length
            return resp
        if spans is None:
            start, stop = 0, length
        else:
            start, stop = spans[0]
            resp.status = 206
            resp.headers['Content-Range'] = byteranges.content_range(start, stop, length)
        # (setting app_iter drops Content-Length: set it first)
        resp.app_iter = disk.reader(state, start, stop) if req.method == 'GET' else []
        resp.content_length = stop - start
        return resp

    def _update_container(self, req, target, name_hash, method, ts, extra):
        """Update every container replica the proxy named (comma-separated
        hosts and devices, one partition)."""
        hosts = [h.strip() for h in req.headers.get('X-Container-Host', '').split(',')]
        devices = [d.strip() for d in req.headers.get('X-Container-Device', '').split(',')]
        headers = {'X-Timestamp': ts, 'X-Trans-Id': req.headers.get('X-Trans-Id', '-')}
        headers.update(extra)
        sends = []
        for host, device in zip(hosts, devices):
            if not host or not device:
                continue
            body = {'host': host, 'device': device,
                    'partition': req.headers.get('X-Container-Partition'), 'method': method,
                    'account': target.account, 'container': target.container,
                    'obj': target.obj, 'headers': headers}
            # the container replicas are told at once, not one after the other
            sends.append(self.spawn(client.send_or_queue, target.device_path, name_hash,
                                    ts, body, self.conf.storage.node_timeout,
                                    self.conf.storage.node_timeout))
        for send in sends:
            send.wait()
