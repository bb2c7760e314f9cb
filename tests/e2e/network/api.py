"""The network API as the end-to-end tests call it: JSON over HTTP as an admin
(the API runs with noauth there)."""

import json
import urllib.request

ADMIN = {'X-Project-Id': 'e2e-admin', 'X-User-Id': 'admin',
         'X-Roles': 'admin,member,reader'}


def request(base_url, method, path, body=None):
    """``method`` on ``base_url + '/v2.0' + path``; the decoded answer or None."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base_url + '/v2.0' + path, data=data, method=method,
                                 headers=dict(ADMIN, **{'Content-Type': 'application/json'}))
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None
