"""SQL driver for credentials (blobs arrive and leave encrypted)."""

import json

import sqlalchemy as sa

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models

_COLUMNS = ('user_id', 'project_id', 'type', 'encrypted_blob', 'key_hash')


def _credential_dict(row):
    ref = {field: getattr(row, field) for field in _COLUMNS}
    ref['id'] = row.id
    ref['extra'] = json.loads(row.extra) if row.extra else {}
    return ref


class CredentialDriver(sql.SqlDriver, base.CredentialDriver):

    def create_credential(self, credential):
        ref = shapes.shape('credential', credential)
        with self.writer('credential', id_detail='ID %s' % ref['id']) as session:
            row = models.Credential(id=ref['id'], extra=json.dumps(ref['extra']),
                                    **{f: ref[f] for f in _COLUMNS})
            session.add(row)
            session.flush()
            return _credential_dict(row)

    @staticmethod
    def _credential(session, credential_id):
        row = session.get(models.Credential, credential_id)
        if row is None:
            raise exception.CredentialNotFound(credential_id=credential_id)
        return row

    def get_credential(self, credential_id):
        with self.reader() as session:
            return _credential_dict(self._credential(session, credential_id))

    def list_credentials(self, hints=None):
        query, leftover = sql.apply_hints(sa.select(models.Credential), models.Credential,
                                          hints)
        with self.reader() as session:
            refs = [_credential_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def update_credential(self, credential_id, changes):
        with self.writer('credential') as session:
            row = self._credential(session, credential_id)
            for field in _COLUMNS:
                if field in changes:
                    setattr(row, field, changes[field])
            if 'extra' in changes:
                row.extra = json.dumps(changes['extra'] or {})
            session.flush()
            return _credential_dict(row)

    def swap_encrypted_blob(self, credential_id, old_blob, new_blob, key_hash):
        cred = models.Credential
        with self.writer('credential') as session:
            result = session.execute(
                sa.update(cred).where(cred.id == credential_id,
                                      cred.encrypted_blob == old_blob)
                .values(encrypted_blob=new_blob, key_hash=key_hash))
            return result.rowcount == 1

    def delete_credential(self, credential_id):
        with self.writer('credential') as session:
            session.delete(self._credential(session, credential_id))

    def delete_credentials_for_user(self, user_id):
        with self.writer('credential') as session:
            session.execute(sa.delete(models.Credential).where(
                models.Credential.user_id == user_id))

    def delete_credentials_for_project(self, project_id):
        with self.writer('credential') as session:
            session.execute(sa.delete(models.Credential).where(
                models.Credential.project_id == project_id))
