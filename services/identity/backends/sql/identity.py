"""SQL driver for users, groups and group membership."""

import json

import sqlalchemy as sa

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models

_USER_COLUMNS = ('name', 'domain_id', 'enabled', 'default_project_id',
                 'description', 'email', 'password_hash',
                 'password_expires_at', 'created_at', 'failed_auth_count',
                 'failed_auth_at', 'last_active_at', 'password_created_at')


def _user_dict(row):
    ref = {field: getattr(row, field) for field in _USER_COLUMNS}
    ref['id'] = row.id
    ref['extra'] = json.loads(row.extra) if row.extra else {}
    ref['options'] = json.loads(row.options) if row.options else {}
    ref['password_self_service'] = bool(row.password_self_service)
    return ref


def _group_dict(row):
    return {'id': row.id, 'name': row.name, 'domain_id': row.domain_id,
            'description': row.description}


def _name_detail(ref):
    return 'name %s at domain ID %s' % (ref['name'], ref['domain_id'])


class IdentityDriver(sql.SqlDriver, base.IdentityDriver):

    # users

    def create_user(self, user):
        ref = shapes.shape('user', user)
        with self.writer('user', id_detail='ID %s' % ref['id'],
                         name_detail=_name_detail(ref)) as session:
            row = models.User(id=ref['id'], extra=json.dumps(ref['extra']),
                              options=json.dumps(ref['options']),
                              password_self_service=ref['password_self_service'],
                              **{f: ref[f] for f in _USER_COLUMNS})
            session.add(row)
            session.flush()
            return _user_dict(row)

    @staticmethod
    def _user(session, user_id):
        row = session.get(models.User, user_id)
        if row is None:
            raise exception.UserNotFound(user_id=user_id)
        return row

    def get_user(self, user_id):
        with self.reader() as session:
            return _user_dict(self._user(session, user_id))

    def get_user_by_name(self, name, domain_id):
        with self.reader() as session:
            row = session.scalars(sa.select(models.User).where(
                models.User.name == name, models.User.domain_id == domain_id)).first()
            if row is None:
                raise exception.UserNotFound(user_id=name)
            return _user_dict(row)

    def list_users(self, hints=None):
        query, leftover = sql.apply_hints(sa.select(models.User), models.User,
                                          hints)
        with self.reader() as session:
            refs = [_user_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def update_user(self, user_id, changes):
        with self.writer('user') as session:
            row = self._user(session, user_id)
            for field in _USER_COLUMNS:
                if field in changes:
                    setattr(row, field, changes[field])
            if 'extra' in changes:
                row.extra = json.dumps(changes['extra'] or {})
            if 'options' in changes:
                row.options = json.dumps(changes['options'] or {})
            if 'password_self_service' in changes:
                row.password_self_service = bool(changes['password_self_service'])
            session.info['name_detail'] = _name_detail(_user_dict(row))
            session.flush()
            return _user_dict(row)

    def delete_user(self, user_id):
        with self.writer('user') as session:
            row = self._user(session, user_id)
            session.execute(sa.delete(models.UserGroupMembership).where(
                models.UserGroupMembership.user_id == user_id))
            session.execute(sa.delete(models.PasswordHistory).where(
                models.PasswordHistory.user_id == user_id))
            session.delete(row)

    # password history

    def add_password_history(self, user_id, password_hash, created_at):
        with self.writer('password_history') as session:
            self._user(session, user_id)
            session.add(models.PasswordHistory(user_id=user_id, password_hash=password_hash,
                                               created_at=created_at))

    def list_password_history(self, user_id, limit):
        if limit <= 0:
            return []
        with self.reader() as session:
            rows = session.scalars(
                sa.select(models.PasswordHistory)
                .where(models.PasswordHistory.user_id == user_id)
                .order_by(models.PasswordHistory.id.desc()).limit(limit))
            return [row.password_hash for row in rows]

    # groups

    def create_group(self, group):
        ref = shapes.shape('group', group)
        with self.writer('group', id_detail='ID %s' % ref['id'],
                         name_detail=_name_detail(ref)) as session:
            row = models.Group(**ref)
            session.add(row)
            session.flush()
            return _group_dict(row)

    @staticmethod
    def _group(session, group_id):
        row = session.get(models.Group, group_id)
        if row is None:
            raise exception.GroupNotFound(group_id=group_id)
        return row

    def get_group(self, group_id):
        with self.reader() as session:
            return _group_dict(self._group(session, group_id))

    def get_group_by_name(self, name, domain_id):
        with self.reader() as session:
            row = session.scalars(sa.select(models.Group).where(
                models.Group.name == name, models.Group.domain_id == domain_id)).first()
            if row is None:
                raise exception.GroupNotFound(group_id=name)
            return _group_dict(row)

    def list_groups(self, hints=None):
        query, leftover = sql.apply_hints(sa.select(models.Group), models.Group, hints)
        with self.reader() as session:
            refs = [_group_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def update_group(self, group_id, changes):
        with self.writer('group') as session:
            row = self._group(session, group_id)
            for field in ('name', 'domain_id', 'description'):
                if field in changes:
                    setattr(row, field, changes[field])
            session.info['name_detail'] = _name_detail(_group_dict(row))
            session.flush()
            return _group_dict(row)

    def delete_group(self, group_id):
        with self.writer('group') as session:
            row = self._group(session, group_id)
            session.execute(sa.delete(models.UserGroupMembership).where(
                models.UserGroupMembership.group_id == group_id))
            session.delete(row)

    # membership

    def add_user_to_group(self, user_id, group_id):
        try:
            with self.writer('group membership') as session:
                self._user(session, user_id)
                self._group(session, group_id)
                if session.get(models.UserGroupMembership, (user_id, group_id)) is None:
                    session.add(models.UserGroupMembership(user_id=user_id, group_id=group_id))
        except exception.Conflict:
            pass    # a concurrent request added the same membership

    def remove_user_from_group(self, user_id, group_id):
        with self.writer('group membership') as session:
            deleted = session.execute(sa.delete(models.UserGroupMembership).where(
                models.UserGroupMembership.user_id == user_id,
                models.UserGroupMembership.group_id == group_id)).rowcount
            if not deleted:
                raise exception.MembershipNotFound(user_id=user_id, group_id=group_id)

    def check_user_in_group(self, user_id, group_id):
        with self.reader() as session:
            return session.get(models.UserGroupMembership, (user_id, group_id)) is not None

    def list_groups_for_user(self, user_id, hints=None):
        query = (sa.select(models.Group)
                 .join(models.UserGroupMembership,
                       models.UserGroupMembership.group_id == models.Group.id)
                 .where(models.UserGroupMembership.user_id == user_id))
        query, leftover = sql.apply_hints(query, models.Group, hints)
        with self.reader() as session:
            refs = [_group_dict(r) for r in session.scalars(query)]
            if not refs:
                self._user(session, user_id)
        return sql.filter_leftover(refs, leftover)

    def list_users_in_group(self, group_id, hints=None):
        query = (sa.select(models.User)
                 .join(models.UserGroupMembership,
                       models.UserGroupMembership.user_id == models.User.id)
                 .where(models.UserGroupMembership.group_id == group_id))
        query, leftover = sql.apply_hints(query, models.User, hints)
        with self.reader() as session:
            refs = [_user_dict(r) for r in session.scalars(query)]
            if not refs:
                self._group(session, group_id)
        return sql.filter_leftover(refs, leftover)

