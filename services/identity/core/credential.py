"""Credentials (/v3/credentials): typed secrets a user keeps in identity.

The manager hands out plain refs (``id, user_id, project_id, type, blob,
extra``) and stores blobs encrypted (:mod:`.credential_keys`).  An ec2
credential's id is the SHA-256 of its access key, as keystone makes it, so
the key can be looked up by id; its blob must be a JSON object with a
string ``access`` and it needs a project.
"""

import hashlib
import json

from common import exception as common_exception
from common import validation
from services.identity import exception
from services.identity.core import credential_keys
from services.identity.core import new_id

EC2 = 'ec2'
_FIELDS = ('user_id', 'project_id', 'type', 'blob')
# keys of an ec2 blob that scope the tokens it yields; they never change
_EC2_SCOPE_KEYS = ('trust_id', 'app_cred_id', 'access_token_id', 'access_id')


def ec2_blob(blob):
    """The parsed blob of an ec2 credential (400 unless JSON with ``access``)."""
    if not isinstance(blob, str):
        raise exception.ValidationError('Invalid blob in credential')
    try:
        # the shared parser bounds nesting and refuses what no store takes
        parsed = validation.parse_json(blob)
    except common_exception.ValidationError:
        raise exception.ValidationError('Invalid blob in credential')
    if not parsed or not isinstance(parsed, dict):
        raise exception.ValidationError(
            'Expecting to find blob in credential. The server could not comply with the '
            'request since it is either malformed or otherwise incorrect. The client is '
            'assumed to be in error.')
    access = parsed.get('access')
    if access is None:
        raise exception.ValidationError(
            'Expecting to find access in credential. The server could not comply with the '
            'request since it is either malformed or otherwise incorrect. The client is '
            'assumed to be in error.')
    if not isinstance(access, str) or not access:
        raise exception.ValidationError(reason="the ec2 'access' value must be a string")
    return parsed


def _check_text(values):
    # JSON may carry lone surrogates ("\ud800"), which no database or cipher takes
    for field in _FIELDS:
        value = values.get(field)
        if isinstance(value, str):
            try:
                value.encode('utf-8')
            except UnicodeEncodeError:
                raise exception.ValidationError(reason='%s is not valid Unicode text' % field)


def _old_blob(blob):
    try:
        parsed = json.loads(blob)
    except (ValueError, RecursionError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def ec2_id(access):
    return hashlib.sha256(access.encode('utf-8')).hexdigest()


class CredentialManager:

    def __init__(self, conf, driver, state, identity, resource, cipher=None):
        self.conf = conf
        self.driver = driver
        self.state = state
        self.identity = identity
        self.resource = resource
        self.cipher = cipher or credential_keys.CredentialCipher(
            conf.credential.key_repository)

    # -- shaping -------------------------------------------------------------
    def decrypt(self, stored):
        """A stored ref as the API shows it (blob in clear)."""
        return {'id': stored['id'], 'user_id': stored['user_id'],
                'project_id': stored['project_id'], 'type': stored['type'],
                'blob': self.cipher.decrypt(stored['id'], stored['encrypted_blob'],
                                            stored['key_hash']),
                'extra': stored['extra']}

    def _check_owner(self, user_id, project_id):
        try:
            self.identity.get_user(user_id)
        except exception.UserNotFound:
            raise exception.ValidationError(reason='user %s does not exist' % user_id)
        if project_id is not None:
            try:
                self.resource.get_project(project_id)
            except exception.ProjectNotFound:
                raise exception.ValidationError(
                    reason='project %s does not exist' % project_id)

    @staticmethod
    def _check_ec2(ref):
        blob = ec2_blob(ref['blob'])
        if not ref.get('project_id'):
            raise exception.ValidationError(
                reason="'project_id' is required for an ec2 credential")
        return blob

    # -- CRUD ----------------------------------------------------------------
    def create(self, values, app_cred_id=None):
        """``values``: user_id, type, blob, project_id and any extra attributes."""
        _check_text(values)
        ref = {f: values.get(f) for f in _FIELDS}
        extra = {k: v for k, v in values.items() if k not in _FIELDS + ('id', 'links')}
        if ref['type'] == EC2:
            blob = self._check_ec2(ref)
            ref['id'] = ec2_id(blob['access'])
            if app_cred_id is not None:
                # tokens made from this key keep the application credential's limits
                blob['app_cred_id'] = app_cred_id
                ref['blob'] = json.dumps(blob)
        else:
            ref['id'] = new_id()
        self._check_owner(ref['user_id'], ref['project_id'])
        limit = self.conf.credential.user_limit
        if limit >= 0 and len(self.driver.list_credentials(
                {'user_id': ref['user_id']})) >= limit:
            raise exception.CredentialLimitExceeded(limit=limit)
        encrypted, hashed = self.cipher.encrypt(ref.pop('blob'))
        stored = self.driver.create_credential(dict(ref, encrypted_blob=encrypted,
                                                    key_hash=hashed, extra=extra))
        self.state.bump()
        return self.decrypt(stored)

    def get_stored(self, credential_id):
        """The stored (still encrypted) ref: enough for policy checks."""
        return self.driver.get_credential(credential_id)

    def get(self, credential_id):
        return self.decrypt(self.get_stored(credential_id))

    def list_stored(self, hints=None):
        return self.driver.list_credentials(hints or {})

    def update(self, credential_id, values):
        _check_text(values)
        current = self.get(credential_id)
        changes = {f: values[f] for f in _FIELDS if f in values}
        extra = {k: v for k, v in values.items() if k not in _FIELDS + ('id', 'links')}
        merged = dict(current, **changes)
        if merged['type'] == EC2 and (changes.keys() & {'type', 'blob', 'project_id'}):
            # the access key may change (keystone allows it); the id stays the
            # one derived from the first key
            blob = self._check_ec2(merged)
            if current['type'] != EC2:
                raise exception.ValidationError(
                    reason='a credential cannot become an ec2 one: its id would not be '
                           'derived from its access key')
            if current['type'] == EC2:
                old = _old_blob(current['blob'])
                for key in _EC2_SCOPE_KEYS:
                    if old.get(key) != blob.get(key):
                        raise exception.ValidationError(
                            '%s can not be updated for credential' % key)
        if 'user_id' in changes or 'project_id' in changes:
            self._check_owner(merged['user_id'], merged['project_id'])
        stored_changes = {k: v for k, v in changes.items() if k != 'blob'}
        if 'blob' in changes:
            encrypted, hashed = self.cipher.encrypt(changes['blob'])
            stored_changes.update(encrypted_blob=encrypted, key_hash=hashed)
        if extra:
            stored_changes['extra'] = dict(current['extra'], **extra)
        if not stored_changes:
            return current
        stored = self.driver.update_credential(credential_id, stored_changes)
        self.state.bump()
        return self.decrypt(stored)

    def delete(self, credential_id):
        self.driver.delete_credential(credential_id)
        self.state.bump()

    def delete_for_user(self, user_id):
        self.driver.delete_credentials_for_user(user_id)

    def delete_for_project(self, project_id):
        self.driver.delete_credentials_for_project(project_id)

    # -- key management --------------------------------------------------------
    def migrate(self):
        """Re-encrypt every credential not on the primary key.

        Returns ``(migrated, failed)``: the count re-encrypted and the ids
        that cannot be decrypted (their key is gone)."""
        primary = self.cipher.primary_hash()
        migrated, failed = 0, []
        for stored in self.driver.list_credentials():
            if stored['key_hash'] == primary:
                continue
            try:
                blob = self.cipher.decrypt(stored['id'], stored['encrypted_blob'],
                                           stored['key_hash'])
            except exception.CredentialEncryptionError:
                failed.append(stored['id'])
                continue
            encrypted, hashed = self.cipher.encrypt(blob)
            # an API update in between already wrote a blob under the primary key
            if self.driver.swap_encrypted_blob(stored['id'], stored['encrypted_blob'],
                                               encrypted, hashed):
                migrated += 1
        if migrated:
            self.state.bump()
        return migrated, failed
