"""/os-keypairs: generate or import SSH and x509 key pairs."""

import base64
import binascii
import datetime
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from oslo_config import cfg

from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.objects import keypair as keypair_obj

CONF = cfg.CONF

_schema = {
    'type': 'object',
    'properties': {'keypair': {
        'type': 'object',
        'properties': {
            'name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                     'pattern': r'^[a-zA-Z0-9 _\-\.@]+$'},
            # A TEXT column holds 64 KiB; real keys and certificates are far smaller.
            'public_key': {'type': 'string', 'maxLength': 65535},
            'type': {'enum': ['ssh', 'x509']},
            'user_id': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        },
        'required': ['name'],
        'additionalProperties': False}},
    'required': ['keypair'],
    'additionalProperties': False,
}


def register(r):
    r.add('GET', '/os-keypairs', index)
    r.add('POST', '/os-keypairs', create)
    r.add('GET', '/os-keypairs/{name}', show)
    r.add('DELETE', '/os-keypairs/{name}', delete)


def ssh_fingerprint(public_key):
    try:
        parts = public_key.strip().split()
        blob = base64.b64decode(parts[1], validate=True)
        serialization.load_ssh_public_key(public_key.strip().encode())
    except (IndexError, ValueError, binascii.Error, TypeError):
        raise exception.Invalid(reason='Keypair data is invalid: failed to generate '
                                       'fingerprint')
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, 32, 2))


def x509_fingerprint(pem):
    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise exception.Invalid(reason='Keypair data is invalid: failed to generate '
                                       'fingerprint')
    digest = cert.fingerprint(hashes.SHA1()).hex()
    return ':'.join(digest[i:i + 2] for i in range(0, 40, 2))


def _generate(key_type, name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    if key_type == 'x509':
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
                .sign(key, hashes.SHA256()))
        return private, cert.public_bytes(serialization.Encoding.PEM).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode()
    return private, '%s Generated-by-Altostratus' % public


def _view(req, keypair, full=False):
    body = {'name': keypair.name, 'public_key': keypair.public_key,
            'fingerprint': keypair.fingerprint}
    if req.at_least(2):
        body['type'] = keypair.type
    if full:
        body.update({'user_id': keypair.user_id, 'id': keypair.id,
                     'created_at': common.isotime(keypair.created_at).rstrip('Z'),
                     'deleted': False, 'deleted_at': None, 'updated_at': None})
    return body


def _user(req, user_id, operation):
    """The user whose key pairs the request is about: the caller, or with
    2.10 the ``user_id`` asked for, which the policy allows only admins."""
    if user_id and user_id != req.context.user_id:
        if not req.at_least(10):
            raise exception.Invalid(reason='user_id needs microversion 2.10')
    else:
        user_id = req.context.user_id
    policies.authorize(req.context, 'os-keypairs:' + operation, {'user_id': user_id})
    return user_id


def index(req):
    user_id = _user(req, req.params.get('user_id'), 'index')
    keypairs = keypair_obj.KeyPairList.get_by_user(req.context, user_id)
    return {'keypairs': [{'keypair': _view(req, k)} for k in keypairs]}


def create(req):
    body = common.validate(_schema, req.body)['keypair']
    user_id = _user(req, body.get('user_id'), 'create')
    key_type = body.get('type', 'ssh')
    if key_type != 'ssh' and not req.at_least(2):
        raise exception.Invalid(reason='keypair type needs microversion 2.2')
    limit = CONF.quota.key_pairs
    if limit >= 0 and keypair_obj.KeyPair.get_count_by_user(req.context, user_id) >= limit:
        raise exception.KeypairLimitExceeded()
    private_key = None
    public_key = body.get('public_key')
    if public_key is None and req.at_least(92):
        # 2.92: keypairs are imported only, never generated.
        raise exception.Invalid(reason="Invalid input for field/attribute keypair. "
                                       "Value: %s. 'public_key' is a required property"
                                       % body['name'])
    if public_key is None:
        private_key, public_key = _generate(key_type, body['name'])
    fingerprint = (x509_fingerprint(public_key) if key_type == 'x509'
                   else ssh_fingerprint(public_key))
    keypair = keypair_obj.KeyPair(req.context, name=body['name'], user_id=user_id,
                                  public_key=public_key, fingerprint=fingerprint,
                                  type=key_type)
    keypair.create()
    result = _view(req, keypair)
    result['user_id'] = user_id
    if private_key:
        result['private_key'] = private_key
    return router.Response({'keypair': result}, 201 if req.at_least(2) else 200)


def show(req, name):
    user_id = _user(req, req.params.get('user_id'), 'show')
    keypair = keypair_obj.KeyPair.get_by_name(req.context, user_id, name)
    return {'keypair': _view(req, keypair, full=True)}


def delete(req, name):
    user_id = _user(req, req.params.get('user_id'), 'delete')
    keypair_obj.KeyPair.destroy_by_name(req.context, user_id, name)
    return router.Response(None, 204 if req.at_least(2) else 202)
