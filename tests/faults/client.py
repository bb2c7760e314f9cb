"""A small HTTP client for the scenarios: every request either gets an
answer (any status, with its headers) or is counted lost (no answer in
``timeout``, connection refused or reset)."""

import dataclasses
import json
import urllib.error
import urllib.request


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict
    text: str

    def json(self):
        return json.loads(self.text) if self.text else {}

    def retry_after(self, default=2.0):
        try:
            return float(self.headers.get('Retry-After', default))
        except ValueError:
            return default


def noauth_headers(project='faults', roles='member,reader', extra=None):
    headers = {'X-User-Id': '%s-user' % project, 'X-Project-Id': project, 'X-Roles': roles,
               'OpenStack-API-Version': 'compute 2.53'}
    headers.update(extra or {})
    return headers


def send(method, url, body=None, headers=None, timeout=90, data=None):
    if body is not None:
        data = json.dumps(body).encode()
        headers = dict(headers or {}, **{'Content-Type': 'application/json'})
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Answer(resp.status, dict(resp.headers), resp.read().decode(errors='replace'))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, dict(exc.headers), exc.read().decode(errors='replace'))
    except (OSError, ValueError):
        return None   # no answer: timed out, refused or reset
