"""OS-EC2 credentials and EC2 / S3 signature logins.

An EC2 credential is a ``/v3/credentials`` entry of type ``ec2`` whose
blob holds ``access`` and ``secret`` (and, when made with a trust-scoped
token, ``trust_id``); its id is the SHA-256 of the access key.
``/v3/ec2tokens`` and ``/v3/s3tokens`` recompute the request signature
with the stored secret (AWS signature versions 2 and 4 for EC2, the S3
"string to sign" forms for S3) and issue a token scoped to the
credential's project.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import urllib.parse
import uuid

from services.identity import exception
from services.identity.core import credential as credential_core
from services.identity.core.revoke import utcnow

#: a signed request older (or newer) than this is refused, as keystone's auth_ttl
MAX_SKEW = datetime.timedelta(minutes=15)
_V4 = 'AWS4-HMAC-SHA256'


def _invalid():
    return exception.Unauthorized('Invalid EC2 signature.')


def _quote(value):
    return urllib.parse.quote(str(value), safe='-_.~')


def canonical_query(params):
    return '&'.join('%s=%s' % (_quote(k), _quote(params[k])) for k in sorted(params))


def _hmac(key, text, digest=hashlib.sha256):
    return hmac.new(key, text.encode('utf-8'), digest).digest()


def _signing_key(secret, date, region, service):
    key = _hmac(('AWS4' + secret).encode('utf-8'), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, 'aws4_request')


def signature_v2(secret, verb, host, path, params):
    params = {k: v for k, v in params.items() if k != 'Signature'}
    digest = hashlib.sha256 if params.get('SignatureMethod') == 'HmacSHA256' else hashlib.sha1
    text = '\n'.join((verb, host.lower(), path, canonical_query(params)))
    return base64.b64encode(_hmac(secret.encode('utf-8'), text, digest)).decode('ascii')


def _v4_fields(headers, params):
    """(date, scope, signed header names) from the Authorization header or the
    X-Amz-* query parameters of a presigned request."""
    auth = headers.get('authorization', '')
    if auth.startswith(_V4):
        parts = dict(p.strip().split('=', 1) for p in auth[len(_V4):].split(',')
                     if '=' in p)
        credential = parts.get('Credential', '')
        signed = parts.get('SignedHeaders', '')
        date = headers.get('x-amz-date') or params.get('X-Amz-Date', '')
    else:
        credential = params.get('X-Amz-Credential', '')
        signed = params.get('X-Amz-SignedHeaders', '')
        date = params.get('X-Amz-Date', '')
    scope = credential.split('/', 1)[1] if '/' in credential else ''
    return date, scope, [h for h in signed.lower().split(';') if h]


def signature_v4(secret, verb, host, path, params, headers, body_hash):
    headers = {k.lower(): str(v) for k, v in (headers or {}).items()}
    headers.setdefault('host', host)
    date, scope, signed = _v4_fields(headers, params)
    pieces = scope.split('/')
    if len(pieces) != 4 or not date or not signed:
        raise _invalid()
    query = {k: v for k, v in params.items() if k != 'X-Amz-Signature'}
    canonical = '\n'.join([
        verb, path, canonical_query(query),
        ''.join('%s:%s\n' % (h, ' '.join(headers.get(h, '').split())) for h in signed),
        ';'.join(signed), body_hash or hashlib.sha256(b'').hexdigest()])
    to_sign = '\n'.join([_V4, date, scope,
                         hashlib.sha256(canonical.encode('utf-8')).hexdigest()])
    key = _signing_key(secret, pieces[0], pieces[1], pieces[2])
    return hmac.new(key, to_sign.encode('utf-8'), hashlib.sha256).hexdigest(), date


def _parse_amz_date(value):
    for fmt in ('%Y%m%dT%H%M%SZ', '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S'):
        try:
            return datetime.datetime.strptime(value, fmt)
        except (TypeError, ValueError):
            continue
    return None


def _check_time(value):
    when = _parse_amz_date(value)
    if when is None or abs(utcnow() - when) > MAX_SKEW:
        raise exception.Unauthorized('Signature expired or its time is missing.')


def check_ec2_signature(secret, creds):
    """Raise Unauthorized unless ``creds`` (the ec2tokens request) is signed
    with ``secret``."""
    params = creds.get('params') or {}
    verb = creds.get('verb') or 'GET'
    path = creds.get('path') or '/'
    host = creds.get('host') or ''
    given = creds.get('signature') or ''
    headers = creds.get('headers') or {}
    lowered = {k.lower() for k in headers}
    if params.get('X-Amz-Algorithm') == _V4 or 'authorization' in lowered and \
            str({k.lower(): v for k, v in headers.items()}['authorization']).startswith(_V4):
        expected, date = signature_v4(secret, verb, host, path, params, headers,
                                      creds.get('body_hash'))
        if not hmac.compare_digest(expected, given):
            raise _invalid()
        _check_time(date)
        return
    if str(params.get('SignatureVersion')) != '2':
        raise exception.Unauthorized('Only EC2 signature versions 2 and 4 are supported.')
    hosts = [host] + ([host.rsplit(':', 1)[0]] if ':' in host else [])
    if not any(hmac.compare_digest(signature_v2(secret, verb, h, path, params), given)
               for h in hosts):
        raise _invalid()
    if params.get('Timestamp'):
        _check_time(params['Timestamp'])
    elif params.get('Expires'):
        expires = _parse_amz_date(params['Expires'])
        if expires is None or expires < utcnow():
            raise exception.Unauthorized('Signature expired.')


def check_s3_signature(secret, creds):
    """``creds``: access, token (the base64 string to sign) and signature."""
    token = str(creds.get('token') or '')
    try:
        # swift's s3token sends it URL-safe encoded; this also reads the standard form
        to_sign = base64.urlsafe_b64decode(token + '=' * (-len(token) % 4)).decode('utf-8')
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise exception.ValidationError(reason='the S3 token is not base64')
    given = str(creds.get('signature') or '')
    if to_sign.startswith(_V4):
        lines = to_sign.split('\n')
        pieces = lines[2].split('/') if len(lines) > 3 else []
        if len(pieces) != 4:
            raise _invalid()
        key = _signing_key(secret, pieces[0], pieces[1], pieces[2])
        expected = hmac.new(key, to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    else:
        expected = base64.b64encode(_hmac(secret.encode('utf-8'), to_sign,
                                          hashlib.sha1)).decode('ascii')
    if not hmac.compare_digest(expected, given):
        raise _invalid()


class Ec2Manager:
    """OS-EC2 views over ec2-type credentials, and the signature logins."""

    def __init__(self, conf, credential, identity, resource, trust):
        self.conf = conf
        self.credential = credential
        self.identity = identity
        self.resource = resource
        self.trust = trust

    def create(self, user_id, project_id, trust_id=None, app_cred_id=None):
        self.identity.get_user(user_id)
        try:
            self.resource.get_project(project_id)
        except exception.ProjectNotFound:
            raise exception.ValidationError(reason='project %s does not exist' % project_id)
        blob = {'access': uuid.uuid4().hex, 'secret': uuid.uuid4().hex,
                'trust_id': trust_id}
        ref = self.credential.create({'user_id': user_id, 'project_id': project_id,
                                      'type': credential_core.EC2, 'blob': json.dumps(blob)},
                                     app_cred_id=app_cred_id)
        return ref

    def list(self, user_id):
        self.identity.get_user(user_id)
        stored = self.credential.list_stored({'user_id': user_id,
                                              'type': credential_core.EC2})
        return [self.credential.decrypt(s) for s in stored]

    def get(self, user_id, access):
        """The user's ec2 credential with access key ``access``."""
        try:
            ref = self.credential.get(credential_core.ec2_id(access))
        except exception.CredentialNotFound:
            ref = None
        if ref is None or ref['user_id'] != user_id or ref['type'] != credential_core.EC2:
            raise exception.CredentialNotFound(credential_id=access)
        return ref

    def delete(self, user_id, access):
        ref = self.get(user_id, access)
        self.credential.delete(ref['id'])

    def _by_access(self, access):
        if not isinstance(access, str) or not access:
            raise exception.ValidationError(reason='the credentials need an access key')
        try:
            ref = self.credential.get(credential_core.ec2_id(access))
        except exception.CredentialNotFound:
            raise exception.Unauthorized('EC2 access key not found.')
        if ref['type'] != credential_core.EC2:
            raise exception.Unauthorized('EC2 access key not found.')
        return ref, blob_of(ref)

    def authenticate_ec2(self, creds):
        ref, blob = self._by_access(creds.get('access'))
        check_ec2_signature(blob.get('secret') or '', creds)
        return ref, blob

    def authenticate_s3(self, creds):
        ref, blob = self._by_access(creds.get('access'))
        check_s3_signature(blob.get('secret') or '', creds)
        return ref, blob


def blob_of(ref):
    try:
        blob = json.loads(ref['blob'])
    except (TypeError, ValueError):
        blob = {}
    return blob if isinstance(blob, dict) else {}
