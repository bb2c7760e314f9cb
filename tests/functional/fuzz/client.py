"""Raw HTTP to the daemons and the verdict on each answer.

``http.client`` rather than a friendly client: the suite must be able to
send what no well-behaved client would (invalid UTF-8 in a query, a body
that is not JSON, any method on any URL).  Every answer is judged the same
way: below 500, no traceback or source path in the body, and for a 4xx the
service's own fault body.
"""

import dataclasses
import http.client
import json
import re
import urllib.parse

#: What a leaked traceback or source location looks like in a body, raw or
#: inside a JSON string (quotes escaped).
LEAK = re.compile(r'Traceback \(most recent call last\)|File \\?"[^"]*\.py\\?"|'
                  r'\.py\\?", line \d+|/site-packages/|/usr/lib/python3')
#: eventlet.wsgi's limit on one request header line
MAX_HEADER_LINE = 8192


def _compute_fault(body):
    return (isinstance(body, dict) and len(body) == 1 and
            isinstance(next(iter(body.values())), dict) and
            {'code', 'message'} <= set(next(iter(body.values()))))


def _identity_fault(body):
    return isinstance(body, dict) and set(body) == {'error'} and \
        isinstance(body['error'], dict) and {'code', 'title', 'message'} <= set(body['error'])


FAULT_SHAPES = {
    'identity': _identity_fault,
    'compute': _compute_fault,
    'network': lambda b: isinstance(b, dict) and set(b) == {'NeutronError'} and
    isinstance(b['NeutronError'], dict) and
    {'type', 'message', 'detail'} <= set(b['NeutronError']),
    'image': lambda b: isinstance(b, dict) and {'code', 'title', 'message'} <= set(b),
}


@dataclasses.dataclass
class Request:
    service: str
    method: str
    path: str                      # with its query string, already encoded
    body: bytes = None
    headers: dict = dataclasses.field(default_factory=dict)
    tag: str = 'valid'             # the class of hostile input this request carries

    def describe(self, limit=160):
        body = self.body if self.body is None or len(self.body) <= limit else (
            self.body[:limit] + b'...(%d bytes)' % len(self.body))
        shown = {k: (v[:60] + '...' if len(v) > 60 else v) for k, v in self.headers.items()
                 if k != 'X-Auth-Token'}
        return '%s %s %s headers=%s body=%r' % (self.service, self.method, self.path,
                                                shown, body)


@dataclasses.dataclass
class Finding:
    request: Request
    status: int
    problem: str
    body: bytes

    def __str__(self):
        return '[%s] %s -> %s %s: %r' % (self.request.tag, self.request.describe(),
                                         self.status, self.problem, self.body[:200])


class Stats:
    """Run-wide figures for the summary line and docs/security.md."""

    def __init__(self):
        self.requests = 0
        self.server_errors = 0
        self.findings = []
        self.by_status = {}

    def summary(self):
        return {'requests': self.requests, 'server_errors': self.server_errors,
                'findings': len(self.findings),
                'by_status': dict(sorted(self.by_status.items()))}


STATS = Stats()


class Client:
    """One keep-alive connection per service; judges every answer."""

    def __init__(self, roots, timeout=60):
        self.roots = {name: urllib.parse.urlsplit(url) for name, url in roots.items()}
        self.timeout = timeout
        self._conns = {}

    def _conn(self, service):
        conn = self._conns.get(service)
        if conn is None:
            url = self.roots[service]
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=self.timeout)
            self._conns[service] = conn
        return conn

    def close(self):
        for conn in self._conns.values():
            conn.close()
        self._conns = {}

    def send(self, request):
        """``(status, headers, body)``; a dropped connection is status 0."""
        headers = dict(request.headers)
        if request.body is not None:
            headers.setdefault('Content-Length', str(len(request.body)))
        for attempt in (1, 2):
            conn = self._conn(request.service)
            try:
                conn.putrequest(request.method, request.path, skip_accept_encoding=True)
                for name, value in headers.items():
                    conn.putheader(name, value)
                conn.endheaders(request.body)
                resp = conn.getresponse()
                body = resp.read()
                if resp.getheader('Connection', '').lower() == 'close':
                    self._drop(request.service)
                return resp.status, resp, body
            except (http.client.HTTPException, OSError) as exc:
                self._drop(request.service)
                if attempt == 2:
                    return 0, None, ('connection failed: %r' % exc).encode()
        raise AssertionError('unreachable')

    def _drop(self, service):
        conn = self._conns.pop(service, None)
        if conn is not None:
            conn.close()

    def check(self, request, findings):
        """Send ``request``; append a :class:`Finding` per broken rule."""
        status, resp, body = self.send(request)
        STATS.requests += 1
        STATS.by_status[status] = STATS.by_status.get(status, 0) + 1
        problems = judge(request, status, resp, body)
        if status >= 500:
            STATS.server_errors += 1
        for problem in problems:
            finding = Finding(request, status, problem, body)
            findings.append(finding)
            STATS.findings.append(finding)
        return status, body


def judge(request, status, resp, body):
    problems = []
    if status == 0:
        problems.append('no answer')
        return problems
    if status >= 500:
        problems.append('server error')
    if status == 406 and 'json' in request.headers.get('Accept', ''):
        problems.append('406 to a client that accepts JSON')
    if LEAK.search(body.decode('utf-8', 'replace')):
        problems.append('traceback or source path in the body')
    # The HTTP server itself refuses a header line past its limit, before
    # any service code runs: that 400 cannot carry the service's shape.
    oversized = any(len(k) + len(v) > MAX_HEADER_LINE for k, v in request.headers.items())
    if 400 <= status < 500 and request.method != 'HEAD' and not (
            status == 400 and oversized):
        try:
            document = json.loads(body)
        except ValueError:
            problems.append('4xx body is not JSON')
        else:
            # keystonemiddleware answers 401 in keystone's shape on every API.
            shape_ok = FAULT_SHAPES[request.service](document) or (
                status == 401 and _identity_fault(document))
            if not shape_ok:
                problems.append('4xx body is not the service fault shape')
    return problems
