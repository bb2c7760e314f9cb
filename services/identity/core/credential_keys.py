"""Encryption of credential blobs at rest.

Blobs are fernet tokens made with the primary key of the credential key
repository (``[credential] key_repository``, the same on-disk layout and
code as the token keys, :mod:`services.identity.token.keys`).  Each stored
credential keeps the SHA-256 of the key that encrypted it, so decryption
goes straight to that key, and a key that went missing or was replaced is
reported as such instead of handing back garbage.

The repository holds at most :data:`MAX_ACTIVE_KEYS` keys (staged, primary,
one secondary), as keystone's does; :func:`rotate` refuses to drop a key
that still encrypts a stored credential (``credential_migrate`` first
re-encrypts every credential with the primary key).
"""

import hashlib
import logging

from cryptography import fernet

from services.identity import exception
from services.identity.token import keys

LOG = logging.getLogger(__name__)

MAX_ACTIVE_KEYS = 3
SETUP_HINT = 'run alto-manage identity credential_setup'


def key_hash(key):
    """Hex SHA-256 of a key (bytes): what a credential row records."""
    return hashlib.sha256(key).hexdigest()


class CredentialCipher:
    """Encrypts with the primary key, decrypts with the key a blob names."""

    def __init__(self, path, check_interval=1.0):
        self.path = path
        self.ring = keys.KeyRing(path, check_interval=check_interval,
                                 setup_hint=SETUP_HINT)
        # (keys, {hash: Fernet}) of the last load, replaced in one assignment
        self._state = (None, {})

    def _keys(self):
        try:
            loaded = self.ring.keys()
        except keys.KeyRepositoryError as exc:
            LOG.error('Credential key repository: %s', exc)
            raise exception.CredentialEncryptionError(
                reason='the credential key repository is missing or empty (%s).'
                % SETUP_HINT)
        state = self._state
        if loaded is not state[0]:
            state = (loaded, {key_hash(k): fernet.Fernet(k) for k in loaded})
            self._state = state
        return state

    def primary_hash(self):
        return key_hash(self._keys()[0][0])

    def encrypt(self, blob):
        """``(encrypted_blob, key_hash)`` for the plaintext ``blob`` (str)."""
        loaded, by_hash = self._keys()
        hashed = key_hash(loaded[0])
        return by_hash[hashed].encrypt(blob.encode('utf-8')).decode('ascii'), hashed

    def decrypt(self, credential_id, encrypted_blob, hashed):
        crypto = self._keys()[1].get(hashed)
        if crypto is None:
            LOG.error('Credential %s was encrypted with the key of SHA-256 %s, which is '
                      'not in %s: restore that key or delete the credential.',
                      credential_id, hashed, self.path)
            raise exception.CredentialEncryptionError(
                reason='credential %s was encrypted with a key that is no longer in the '
                       'credential key repository.' % credential_id)
        try:
            return crypto.decrypt(encrypted_blob.encode('ascii')).decode('utf-8')
        except (fernet.InvalidToken, UnicodeError, ValueError):
            LOG.error('Credential %s does not decrypt with the key of SHA-256 %s in %s: '
                      'the stored blob is damaged.', credential_id, hashed, self.path)
            raise exception.CredentialEncryptionError(
                reason='the stored blob of credential %s is damaged.' % credential_id)


class RotationRefused(exception.Conflict):
    msg_fmt = ('%(count)d credential(s) are still encrypted with a key that rotation would '
               'remove; run alto-manage identity credential_migrate first.')


def setup(conf):
    """Create the repository (idempotent); returns the key indexes."""
    return keys.setup(conf.credential.key_repository, MAX_ACTIVE_KEYS)


def rotate(conf, driver):
    """Rotate the keys unless a stored credential needs a key that would go."""
    path = conf.credential.key_repository
    keys.load(path, SETUP_HINT)
    dropped = {key_hash(k) for k in keys.dropped_by_rotation(path, MAX_ACTIVE_KEYS)}
    if dropped:
        blocking = [r['id'] for r in driver.list_credentials() if r['key_hash'] in dropped]
        if blocking:
            raise RotationRefused(count=len(blocking))
    return keys.rotate(path, MAX_ACTIVE_KEYS, SETUP_HINT)
