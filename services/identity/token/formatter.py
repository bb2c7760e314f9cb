"""Token payloads: what a fernet token carries and how it is packed.

A token is ``Fernet(msgpack(payload))`` with the base64 padding removed
(keystone's tokens look the same).  The payload holds only identifiers and
times; roles, names and the catalog are looked up at validation so that a
change (a disabled user, a removed role) shows at once.  32-character hex
ids travel as 16 raw bytes to keep tokens short.
"""

import base64
import binascii
import dataclasses
import datetime
import os
import typing

import msgpack
from cryptography import fernet

PAYLOAD_VERSION = 1
SCOPE_PROJECT = 'project'
SCOPE_DOMAIN = 'domain'
SCOPE_SYSTEM = 'system'
SYSTEM_ALL = 'all'


class InvalidToken(Exception):
    """The token cannot be decrypted or its payload is not ours."""


@dataclasses.dataclass(frozen=True)
class TokenPayload:
    user_id: str
    methods: tuple
    issued_at: float            # seconds since the epoch, UTC
    expires_at: float
    audit_ids: tuple            # own audit id first, then the chain's first one
    scope_type: typing.Optional[str] = None   # project, domain, system or None
    scope_id: typing.Optional[str] = None
    app_cred_id: typing.Optional[str] = None
    trust_id: typing.Optional[str] = None     # an OS-TRUST trust-scoped token

    @property
    def audit_id(self):
        return self.audit_ids[0]

    @property
    def audit_chain_id(self):
        return self.audit_ids[-1]

    @property
    def project_id(self):
        return self.scope_id if self.scope_type == SCOPE_PROJECT else None

    @property
    def domain_id(self):
        return self.scope_id if self.scope_type == SCOPE_DOMAIN else None

    @property
    def system(self):
        return self.scope_type == SCOPE_SYSTEM

    def issued_datetime(self):
        return from_timestamp(self.issued_at)

    def expires_datetime(self):
        return from_timestamp(self.expires_at)


def from_timestamp(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).replace(tzinfo=None)


def to_timestamp(dt):
    return dt.replace(tzinfo=datetime.timezone.utc).timestamp()


def new_audit_id():
    return base64.urlsafe_b64encode(os.urandom(16)).rstrip(b'=').decode('ascii')


def _pack_id(value):
    if value is not None and len(value) == 32:
        try:
            return binascii.unhexlify(value)
        except (binascii.Error, ValueError):
            pass
    return value


def _unpack_id(value):
    if isinstance(value, bytes):
        return binascii.hexlify(value).decode('ascii')
    return value


def _pack_audit(value):
    try:
        return base64.urlsafe_b64decode(value + '==')
    except (binascii.Error, ValueError):
        return value


def _unpack_audit(value):
    if isinstance(value, bytes):
        return base64.urlsafe_b64encode(value).rstrip(b'=').decode('ascii')
    return value


def pack(payload):
    return msgpack.packb([
        PAYLOAD_VERSION, _pack_id(payload.user_id), list(payload.methods),
        payload.issued_at, payload.expires_at,
        [_pack_audit(a) for a in payload.audit_ids],
        payload.scope_type, _pack_id(payload.scope_id), _pack_id(payload.app_cred_id),
    ] + ([_pack_id(payload.trust_id)] if payload.trust_id else []), use_bin_type=True)


def unpack(data):
    try:
        fields = msgpack.unpackb(data, raw=False)
        if not isinstance(fields, list) or fields[0] != PAYLOAD_VERSION:
            raise InvalidToken('unknown payload version')
        # a tenth field, the trust id, only in trust-scoped tokens
        trust_id = fields[9] if len(fields) == 10 else None
        (_, user_id, methods, issued_at, expires_at, audit_ids, scope_type, scope_id,
         app_cred_id) = fields[:9] if len(fields) == 10 else fields
        return TokenPayload(
            user_id=_unpack_id(user_id), methods=tuple(methods),
            issued_at=float(issued_at), expires_at=float(expires_at),
            audit_ids=tuple(_unpack_audit(a) for a in audit_ids),
            scope_type=scope_type, scope_id=_unpack_id(scope_id),
            app_cred_id=_unpack_id(app_cred_id), trust_id=_unpack_id(trust_id))
    except InvalidToken:
        raise
    except (ValueError, TypeError, IndexError, msgpack.ExtraData,
            msgpack.FormatError, msgpack.StackError) as exc:
        raise InvalidToken('malformed payload: %s' % exc)


def encrypt(multi_fernet, payload):
    token = multi_fernet.encrypt(pack(payload))
    return token.rstrip(b'=').decode('ascii')


def decrypt(multi_fernet, token_id):
    if not token_id or len(token_id) > 1024:
        raise InvalidToken('bad token length')
    try:
        raw = token_id.encode('ascii')
    except (UnicodeEncodeError, AttributeError):
        raise InvalidToken('token is not ASCII')
    raw += b'=' * (-len(raw) % 4)
    try:
        # expiry is checked against the payload, not the fernet timestamp
        data = multi_fernet.decrypt(raw)
    except (fernet.InvalidToken, ValueError, TypeError):
        raise InvalidToken('cannot decrypt')
    return unpack(data)
