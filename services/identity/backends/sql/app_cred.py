"""SQL driver for application credentials."""

import sqlalchemy as sa

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models

_COLUMNS = ('id', 'name', 'user_id', 'project_id', 'description', 'secret_hash',
            'expires_at', 'unrestricted', 'created_at')


def _app_cred_dict(row):
    ref = {field: getattr(row, field) for field in _COLUMNS}
    ref['roles'] = [{'id': r.role_id} for r in sorted(row.roles, key=lambda r: r.role_id)]
    return ref


class ApplicationCredentialDriver(sql.SqlDriver, base.ApplicationCredentialDriver):

    def create_application_credential(self, app_cred):
        ref = shapes.shape('app_cred', app_cred)
        role_ids = sorted({r['id'] for r in ref['roles']})
        with self.writer('application credential', id_detail='ID %s' % ref['id'],
                         name_detail='name %s for user %s'
                         % (ref['name'], ref['user_id'])) as session:
            row = models.ApplicationCredential(
                roles=[models.ApplicationCredentialRole(role_id=r) for r in role_ids],
                **{field: ref[field] for field in _COLUMNS})
            session.add(row)
            session.flush()
            return _app_cred_dict(row)

    def get_application_credential(self, app_cred_id):
        with self.reader() as session:
            row = session.get(models.ApplicationCredential, app_cred_id)
            if row is None:
                raise exception.ApplicationCredentialNotFound(app_cred_id=app_cred_id)
            return _app_cred_dict(row)

    def get_application_credential_by_name(self, user_id, name):
        query = sa.select(models.ApplicationCredential).where(
            models.ApplicationCredential.user_id == user_id,
            models.ApplicationCredential.name == name)
        with self.reader() as session:
            row = session.scalars(query).first()
            if row is None:
                raise exception.ApplicationCredentialNotFound(app_cred_id=name)
            return _app_cred_dict(row)

    def list_application_credentials(self, user_id, hints=None):
        query = sa.select(models.ApplicationCredential).where(
            models.ApplicationCredential.user_id == user_id)
        query, leftover = sql.apply_hints(query, models.ApplicationCredential, hints)
        with self.reader() as session:
            refs = [_app_cred_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def delete_application_credential(self, app_cred_id):
        with self.writer('application credential') as session:
            row = session.get(models.ApplicationCredential, app_cred_id)
            if row is None:
                raise exception.ApplicationCredentialNotFound(app_cred_id=app_cred_id)
            session.delete(row)

    def _delete_where(self, *where):
        ac, acr = models.ApplicationCredential, models.ApplicationCredentialRole
        with self.writer('application credential') as session:
            ids = sa.select(ac.id).where(*where)
            session.execute(sa.delete(acr).where(acr.application_credential_id.in_(ids)))
            session.execute(sa.delete(ac).where(*where))

    def delete_application_credentials_for_user(self, user_id):
        self._delete_where(models.ApplicationCredential.user_id == user_id)

    def delete_application_credentials_for_user_on_project(self, user_id, project_id):
        self._delete_where(models.ApplicationCredential.user_id == user_id,
                           models.ApplicationCredential.project_id == project_id)
