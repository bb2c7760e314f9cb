"""Temporary URLs: anyone holding a URL signed with one of the account's
(``X-Account-Meta-Temp-URL-Key[-2]``) or the container's
(``X-Container-Meta-Temp-URL-Key[-2]``) keys may use it on that object
until it expires, without a token.

    ?temp_url_sig=<hmac>&temp_url_expires=<unix time or ISO 8601 UTC>
     [&temp_url_prefix=<object name prefix>][&filename=<name>][&inline]

The signature is an HMAC (sha1, sha256 or sha512: told by the hex length,
or ``<digest>:<base64>``) of ``<METHOD>\\n<expires>\\n<path>`` where path
is ``/v1/<account>/<container>/<object>`` or, with a prefix,
``prefix:/v1/<account>/<container>/<prefix>``.  A signature for GET or PUT
also serves HEAD.  An invalid one is 401 whoever sends it.  A GET's answer
carries ``Content-Disposition`` (``attachment; filename=...`` or
``inline``) and no ``X-Object-Meta-*`` headers.
"""

import base64
import binascii
import calendar
import hashlib
import hmac
import os
import time
import urllib.parse

import webob

from services.objectstore.proxy.middleware import subrequest

METHODS = ('GET', 'HEAD', 'PUT', 'POST', 'DELETE')
DIGESTS = {'sha1': hashlib.sha1, 'sha256': hashlib.sha256, 'sha512': hashlib.sha512}
HEX_LENGTHS = {40: 'sha1', 64: 'sha256', 128: 'sha512'}
KEYS = ('Temp-Url-Key', 'Temp-Url-Key-2')


def capabilities(conf):
    return {'tempurl': {'methods': list(METHODS),
                        'incoming_remove_headers': ['x-timestamp'],
                        'incoming_allow_headers': [],
                        'outgoing_remove_headers': ['x-object-meta-*'],
                        'outgoing_allow_headers': ['x-object-meta-public-*'],
                        'allowed_digests': sorted(DIGESTS)}}


def parse_expires(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        pass
    try:
        return calendar.timegm(time.strptime(value or '', '%Y-%m-%dT%H:%M:%SZ'))
    except ValueError:
        return None


def parse_signature(sig):
    """``(digest name, raw signature bytes)`` or None."""
    if ':' in sig:
        name, _, encoded = sig.partition(':')
        if name not in DIGESTS:
            return None
        try:
            padded = encoded + '=' * (-len(encoded) % 4)
            return name, base64.b64decode(padded.replace('-', '+').replace('_', '/'),
                                          validate=True)
        except (binascii.Error, ValueError):
            return None
    name = HEX_LENGTHS.get(len(sig))
    try:
        return (name, bytes.fromhex(sig)) if name else None
    except ValueError:
        return None


def sign(key, method, expires, path, digest='sha256'):
    body = '%s\n%s\n%s' % (method, expires, path)
    return hmac.new(key.encode('utf-8'), body.encode('utf-8'), DIGESTS[digest]).digest()


def keys(proxy, environ, account, container):
    """The account's and the container's temp-URL keys that are set."""
    found = []
    for kind, info in (('Account', proxy.info(environ, account)),
                       ('Container', proxy.info(environ, account, container))):
        if info.status // 100 == 2:
            found += [info.header('X-%s-Meta-%s' % (kind, k)) for k in KEYS]
    return [k for k in found if k]


def granted(environ, account):
    """``environ`` with the token's identity replaced by a grant on ``account``
    (a signature, not a token, decides)."""
    for name in list(environ):
        if name.startswith('HTTP_X_') and name[7:].startswith(
                ('IDENTITY_', 'USER_', 'PROJECT_', 'ROLES', 'SERVICE_')):
            del environ[name]
    environ['objectstore.authorized_account'] = account
    return environ


def _unauthorized():
    return webob.Response(status=401, content_type='text/plain', charset='utf-8',
                          body=b'401 Unauthorized: Temp URL invalid\n')


class TempURL(subrequest.Module):

    def handle(self, req, account, container, obj):
        query = req.GET
        if 'temp_url_sig' not in query and 'temp_url_expires' not in query:
            return self.passthrough(req)
        if obj is None or req.method not in METHODS + ('OPTIONS',):
            return _unauthorized()
        expires = parse_expires(query.get('temp_url_expires'))
        parsed = parse_signature(query.get('temp_url_sig', ''))
        if expires is None or parsed is None or expires < time.time():
            return _unauthorized()
        prefix = query.get('temp_url_prefix')
        if prefix is not None and not obj.startswith(prefix):
            return _unauthorized()
        if prefix is not None:
            signed_path = 'prefix:' + subrequest.api_path(account, container) + '/' + prefix
        else:
            signed_path = subrequest.api_path(account, container, obj)
        signed_path = urllib.parse.unquote(signed_path)
        methods = [req.method] + (['GET', 'PUT'] if req.method == 'HEAD' else [])
        digest, sig = parsed
        if not any(hmac.compare_digest(sign(key, method, query['temp_url_expires'],
                                            signed_path, digest), sig)
                   for key in keys(self.proxy, req.environ, account, container)
                   for method in methods):
            return _unauthorized()
        granted(req.environ, account)
        req.headers.pop('X-Timestamp', None)
        resp = req.get_response(self.app)
        return _outgoing(req, resp, obj)


def _outgoing(req, resp, obj):
    for name in list(resp.headers):
        low = name.lower()
        if low.startswith('x-object-meta-') and not low.startswith('x-object-meta-public-'):
            del resp.headers[name]
    if req.method in ('GET', 'HEAD') and resp.status_int // 100 == 2:
        filename = req.GET.get('filename')
        if 'inline' in req.GET:
            value = 'inline'
            if filename:
                value += '; filename="%s"' % filename.replace('"', '\\"')
        else:
            name = filename or os.path.basename(obj)
            value = 'attachment; filename="%s"; filename*=UTF-8\'\'%s' % (
                name.replace('"', '\\"'), urllib.parse.quote(name))
        resp.headers['Content-Disposition'] = value
    return resp
