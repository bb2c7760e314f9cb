"""The proxy's side of the storage servers: who holds a name, requests to
every replica with a quorum answer, reads from the first that answers.

Requests to several nodes run concurrently through ``spawn`` (the daemon
passes ``common.service.spawn``); a node that does not answer is replaced
by the ring's next handoff for writes, and skipped for reads.
"""

import collections
import http.client
import queue

from oslo_log import log as logging

from services.objectstore.common import client
from services.objectstore.common import paths

LOG = logging.getLogger(__name__)

#: statuses a read takes as the answer (the object is there, or a condition decided)
READ_ANSWERS = (200, 204, 206, 304, 412, 416)


class _Inline:
    """A finished 'green thread' (when no spawn is given: unit tests)."""

    def __init__(self, func, *args):
        self._result = func(*args)

    def wait(self):
        return self._result


def inline_spawn(func, *args):
    return _Inline(func, *args)


class Response:
    def __init__(self, status, headers=None, body=b'', node=None):
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.node = node

    def header(self, name, default=None):
        low = name.lower()
        for key, value in self.headers.items():
            if key.lower() == low:
                return value
        return default


NO_ANSWER = 503


def quorum_size(replicas):
    return replicas // 2 + 1


def best_response(responses, replicas):
    """The answer a quorum agrees on: the first 2xx when a quorum of the
    replicas said 2xx, else the first of the class (3xx/4xx) a quorum gave;
    503 when there is no quorum."""
    quorum = quorum_size(replicas)
    for klass in (2, 3, 4):
        group = [r for r in responses if r.status // 100 == klass]
        if len(group) >= quorum:
            if klass == 4:
                # the most common 4xx (404 beats a lone 409)
                statuses = [r.status for r in group]
                common = max(set(statuses), key=statuses.count)
                return next(r for r in group if r.status == common)
            return group[0]
    return Response(NO_ANSWER)


class Backend:

    def __init__(self, rings, conn_timeout, node_timeout, spawn=inline_spawn,
                 post_quorum_timeout=0.5):
        self.rings = rings
        self.conn_timeout = conn_timeout
        self.node_timeout = node_timeout
        self.spawn = spawn
        self.post_quorum_timeout = post_quorum_timeout

    def nodes(self, ring_type, account, container=None, obj=None):
        ring = self.rings[ring_type]
        part, primaries = ring.get_nodes(account, container, obj)
        return part, primaries, ring.get_more_nodes(part), ring.replicas

    def _one(self, node, method, path, headers, body, query):
        try:
            status, resp_headers, data = client.request(
                node, method, path, headers, body, conn_timeout=self.conn_timeout,
                node_timeout=self.node_timeout, query_string=query)
            return Response(status, resp_headers, data, node)
        except client.NODE_ERRORS as exc:
            LOG.warning('%s %s:%s/%s failed: %s', method, node['ip'], node['port'],
                        node['device'], exc)
            return None

    def write_all(self, ring_type, names, method, headers_for, body=b'', query=''):
        """Send one request to every primary (a handoff for each that does
        not answer); returns the quorum answer.

        ``headers_for(index)`` gives the headers for replica ``index``.
        """
        part, primaries, handoffs, replicas = self.nodes(ring_type, *names)

        def attempt(index, node):
            path = paths.backend_path(node['device'], part, *names)
            headers = headers_for(index)
            resp = self._one(node, method, path, headers, body, query)
            while resp is None or resp.status == 507:
                node = next(handoffs, None)
                if node is None:
                    return resp or Response(NO_ANSWER)
                path = paths.backend_path(node['device'], part, *names)
                resp = self._one(node, method, path, headers, body, query)
            return resp

        threads = [self.spawn(attempt, i, node) for i, node in enumerate(primaries)]
        responses = [t.wait() for t in threads]
        return best_response(responses, replicas)

    def read_first(self, ring_type, names, method='GET', headers=None, query=''):
        """The first answer of a replica that has the name (whole body)."""
        part, primaries, handoffs, replicas = self.nodes(ring_type, *names)
        candidates = list(primaries) + [n for _, n in zip(range(replicas), handoffs)]
        answers = []
        for node in candidates:
            path = paths.backend_path(node['device'], part, *names)
            resp = self._one(node, method, path, headers or {}, b'', query)
            if resp is None:
                continue
            if resp.status in READ_ANSWERS:
                return resp
            answers.append(resp)
        not_found = [r for r in answers if r.status == 404]
        if not_found:
            return not_found[0]
        return answers[0] if answers else Response(NO_ANSWER)

    def open_read(self, ring_type, names, method, headers):
        """Like :meth:`read_first` but the body is left to stream:
        ``(Response, http.client.HTTPResponse or None, connection or None)``."""
        part, primaries, handoffs, replicas = self.nodes(ring_type, *names)
        candidates = list(primaries) + [n for _, n in zip(range(replicas), handoffs)]
        answers = []
        for node in candidates:
            path = paths.backend_path(node['device'], part, *names)
            try:
                conn = client.connect(node['ip'], node['port'], method, path,
                                      dict(headers, **{'Content-Length': '0'}),
                                      self.conn_timeout, self.node_timeout)
                raw = conn.getresponse()
            except client.NODE_ERRORS as exc:
                LOG.warning('%s %s:%s/%s failed: %s', method, node['ip'], node['port'],
                            node['device'], exc)
                continue
            resp = Response(raw.status, dict(raw.getheaders()), node=node)
            if raw.status in READ_ANSWERS:
                return resp, raw, conn
            raw.read()
            conn.close()
            answers.append(resp)
        not_found = [r for r in answers if r.status == 404]
        if not_found:
            return not_found[0], None, None
        return (answers[0] if answers else Response(NO_ANSWER)), None, None

    def open_writes(self, ring_type, names, method, headers_for, length=None):
        """Connections ready to take a body of ``length`` bytes (None: chunked),
        one per replica (a handoff for a primary that does not connect): list
        of ``(connection, node)`` and the replica count."""
        part, primaries, handoffs, replicas = self.nodes(ring_type, *names)

        def attempt(index, node):
            headers = dict(headers_for(index))
            if length is None:
                headers['Transfer-Encoding'] = 'chunked'
            else:
                headers['Content-Length'] = str(length)
            while node is not None:
                path = paths.backend_path(node['device'], part, *names)
                try:
                    conn = client.connect(node['ip'], node['port'], method, path, headers,
                                          self.conn_timeout, self.node_timeout)
                    return conn, node
                except client.NODE_ERRORS as exc:
                    LOG.warning('%s %s:%s/%s failed: %s', method, node['ip'], node['port'],
                                node['device'], exc)
                    node = next(handoffs, None)
            return None

        threads = [self.spawn(attempt, i, node) for i, node in enumerate(primaries)]
        opened = [t.wait() for t in threads]
        return [o for o in opened if o is not None], replicas

    def streams(self, conns):
        """A :class:`ReplicaStreams` feeding ``conns`` (from :meth:`open_writes`)."""
        return ReplicaStreams(conns, self.spawn)

    def finish_writes(self, conns, chunked=True, replicas=None):
        """End every body (a chunked one with its last chunk) and collect the
        answers.  Once a quorum of ``replicas`` answered 2xx, the others are
        waited for ``post_quorum_timeout`` seconds more, then left to finish
        on their own (their answers are not returned): one replica slow to
        flush does not hold the client's answer, as in Swift."""
        answers = queue.Queue()

        def finish(conn, node):
            try:
                if chunked:
                    conn.send(b'0\r\n\r\n')
                raw = conn.getresponse()
                data = raw.read()
                resp = Response(raw.status, dict(raw.getheaders()), data, node)
            except (client.NODE_ERRORS + (http.client.HTTPException,)) as exc:
                LOG.warning('PUT to %s:%s/%s failed: %s', node['ip'], node['port'],
                            node['device'], exc)
                resp = Response(NO_ANSWER)
            finally:
                conn.close()
            answers.put(resp)

        for conn, node in conns:
            self.spawn(finish, conn, node)
        quorum = quorum_size(replicas or len(conns))
        got = []
        while len(got) < len(conns):
            if sum(1 for r in got if r.status // 100 == 2) >= quorum:
                try:
                    got.append(answers.get(timeout=self.post_quorum_timeout))
                except queue.Empty:
                    break
            else:
                got.append(answers.get())
        return got


class ReplicaStreams:
    """One chunked body sent to several replicas, each at its own pace.

    Every connection has a backlog and, while the backlog holds anything, a
    green thread sending it; the caller waits only when a backlog passes
    ``limit`` bytes.  Sending to each replica in turn instead would leave the
    others idle whenever one is slow to read (an object server writing its
    last batch to disk), so the whole upload went at the pace of each
    replica's pauses added up rather than the slowest replica's.
    """

    def __init__(self, conns, spawn, limit=1024 * 1024):
        self.conns = list(conns)      # [(connection, node)]; failed ones are dropped
        self.spawn = spawn
        self.limit = limit
        self._backlog = {id(c): collections.deque() for c, _ in self.conns}
        self._queued = dict.fromkeys(self._backlog, 0)
        self._senders = {}
        self._failed = set()

    def _drain(self, key, conn):
        backlog = self._backlog[key]
        try:
            while backlog:
                data = backlog.popleft()
                self._queued[key] -= len(data)
                conn.send(data)
        except OSError:
            self._failed.add(key)
            backlog.clear()
            self._queued[key] = 0
        finally:
            self._senders.pop(key, None)

    def send(self, data):
        """Queue ``data`` for every replica; returns how many still take it."""
        for conn, _ in self.conns:
            key = id(conn)
            if key in self._failed:
                continue
            self._backlog[key].append(data)
            self._queued[key] += len(data)
            if key not in self._senders:
                # (an inline spawn drains at once and leaves no sender behind)
                self._senders[key] = None
                sender = self.spawn(self._drain, key, conn)
                if key in self._senders:
                    self._senders[key] = sender
        for conn, _ in self.conns:
            key = id(conn)
            sender = self._senders.get(key)
            if sender is not None and self._queued[key] > self.limit:
                sender.wait()
        return self._drop_failed()

    def flush(self):
        """Wait until every replica has been sent its backlog; returns how
        many replicas took everything."""
        for sender in list(self._senders.values()):
            sender.wait()
        return self._drop_failed()

    def _drop_failed(self):
        for pair in [p for p in self.conns if id(p[0]) in self._failed]:
            pair[0].close()
            self.conns.remove(pair)
        return len(self.conns)

    def close(self):
        for conn, _ in self.conns:
            conn.close()
