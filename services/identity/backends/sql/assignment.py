"""SQL driver for roles, implied roles and role assignments."""

import sqlalchemy as sa

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models

GLOBAL = models.GLOBAL_DOMAIN


def _stored_domain(domain_id):
    return GLOBAL if domain_id is None else domain_id


def _role_dict(row):
    return {'id': row.id, 'name': row.name, 'description': row.description,
            'domain_id': None if row.domain_id == GLOBAL else row.domain_id}


def _name_detail(name, domain_id):
    return 'name %s at domain ID %s' % (name, domain_id)


def _assignment_dict(row):
    return {'type': row.type, 'actor_id': row.actor_id,
            'target_id': row.target_id, 'role_id': row.role_id,
            'inherited': bool(row.inherited)}


def _check_type(assignment_type):
    if assignment_type not in base.ASSIGNMENT_TYPES:
        raise exception.ValidationError(
            reason='unknown assignment type %s' % assignment_type)


def _assignment_where(assignment_type, actor_id, target_id, role_id, inherited):
    _check_type(assignment_type)
    a = models.Assignment
    return (a.type == assignment_type, a.actor_id == actor_id,
            a.target_id == target_id, a.role_id == role_id,
            a.inherited == bool(inherited))


class AssignmentDriver(sql.SqlDriver, base.AssignmentDriver):

    # roles

    def create_role(self, role):
        ref = shapes.shape('role', role)
        with self.writer('role', id_detail='ID %s' % ref['id'],
                         name_detail=_name_detail(ref['name'], ref['domain_id'])) as session:
            row = models.Role(id=ref['id'], name=ref['name'],
                              domain_id=_stored_domain(ref['domain_id']),
                              description=ref['description'])
            session.add(row)
            session.flush()
            return _role_dict(row)

    @staticmethod
    def _role(session, role_id):
        row = session.get(models.Role, role_id)
        if row is None:
            raise exception.RoleNotFound(role_id=role_id)
        return row

    def get_role(self, role_id):
        with self.reader() as session:
            return _role_dict(self._role(session, role_id))

    def get_role_by_name(self, name, domain_id=None):
        query = sa.select(models.Role).where(
            models.Role.name == name,
            models.Role.domain_id == _stored_domain(domain_id))
        with self.reader() as session:
            row = session.scalars(query).first()
            if row is None:
                raise exception.RoleNotFound(role_id=name)
            return _role_dict(row)

    def list_roles(self, hints=None):
        query, leftover = sql.apply_hints(sa.select(models.Role), models.Role, hints,
                                          translate={'domain_id': _stored_domain})
        with self.reader() as session:
            refs = [_role_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def list_roles_by_ids(self, role_ids):
        if not role_ids:
            return []
        query = sa.select(models.Role).where(models.Role.id.in_(set(role_ids)))
        with self.reader() as session:
            return [_role_dict(r) for r in session.scalars(query)]

    def update_role(self, role_id, changes):
        with self.writer('role') as session:
            row = self._role(session, role_id)
            for field in ('name', 'description'):
                if field in changes:
                    setattr(row, field, changes[field])
            if 'domain_id' in changes:
                row.domain_id = _stored_domain(changes['domain_id'])
            ref = _role_dict(row)
            session.info['name_detail'] = _name_detail(ref['name'], ref['domain_id'])
            session.flush()
            return ref

    def delete_role(self, role_id):
        with self.writer('role') as session:
            row = self._role(session, role_id)
            session.execute(sa.delete(models.Assignment)
                            .where(models.Assignment.role_id == role_id))
            session.execute(sa.delete(models.ImpliedRole).where(sa.or_(
                models.ImpliedRole.prior_role_id == role_id,
                models.ImpliedRole.implied_role_id == role_id)))
            session.delete(row)

    # implied roles

    def create_implied_role(self, prior_role_id, implied_role_id):
        ref = {'prior_role_id': prior_role_id, 'implied_role_id': implied_role_id}
        try:
            with self.writer('implied role') as session:
                self._role(session, prior_role_id)
                self._role(session, implied_role_id)
                if session.get(models.ImpliedRole, (prior_role_id, implied_role_id)) is None:
                    session.add(models.ImpliedRole(**ref))
        except exception.Conflict:
            pass    # a concurrent request created the same rule
        return ref

    def get_implied_role(self, prior_role_id, implied_role_id):
        with self.reader() as session:
            if session.get(models.ImpliedRole, (prior_role_id, implied_role_id)) is None:
                raise exception.ImpliedRoleNotFound(prior_role_id=prior_role_id,
                                                    implied_role_id=implied_role_id)
        return {'prior_role_id': prior_role_id, 'implied_role_id': implied_role_id}

    def delete_implied_role(self, prior_role_id, implied_role_id):
        with self.writer('implied role') as session:
            deleted = session.execute(sa.delete(models.ImpliedRole).where(
                models.ImpliedRole.prior_role_id == prior_role_id,
                models.ImpliedRole.implied_role_id == implied_role_id)).rowcount
            if not deleted:
                raise exception.ImpliedRoleNotFound(prior_role_id=prior_role_id,
                                                    implied_role_id=implied_role_id)

    def list_implied_roles(self, prior_role_id=None):
        query = sa.select(models.ImpliedRole).order_by(
            models.ImpliedRole.prior_role_id, models.ImpliedRole.implied_role_id)
        if prior_role_id is not None:
            query = query.where(models.ImpliedRole.prior_role_id == prior_role_id)
        with self.reader() as session:
            return [{'prior_role_id': r.prior_role_id,
                     'implied_role_id': r.implied_role_id}
                    for r in session.scalars(query)]

    # assignments

    def create_assignment(self, assignment_type, actor_id, target_id, role_id,
                          inherited=False):
        where = _assignment_where(assignment_type, actor_id, target_id, role_id, inherited)
        try:
            with self.writer('role assignment') as session:
                self._role(session, role_id)
                if session.scalars(sa.select(models.Assignment).where(*where)).first():
                    return
                session.add(models.Assignment(
                    type=assignment_type, actor_id=actor_id, target_id=target_id,
                    role_id=role_id, inherited=bool(inherited)))
        except exception.Conflict:
            pass    # a concurrent request made the same grant

    def delete_assignment(self, assignment_type, actor_id, target_id, role_id,
                          inherited=False):
        where = _assignment_where(assignment_type, actor_id, target_id, role_id, inherited)
        with self.writer('role assignment') as session:
            if not session.execute(sa.delete(models.Assignment).where(*where)).rowcount:
                raise exception.RoleAssignmentNotFound(
                    role_id=role_id, actor_id=actor_id, target_id=target_id)

    def check_assignment(self, assignment_type, actor_id, target_id, role_id,
                         inherited=False):
        where = _assignment_where(assignment_type, actor_id, target_id, role_id, inherited)
        with self.reader() as session:
            return session.scalars(sa.select(models.Assignment.role_id)
                                   .where(*where)).first() is not None

    def list_assignments(self, types=None, actor_ids=None, target_ids=None,
                         role_ids=None, inherited=None):
        a = models.Assignment
        query = sa.select(a).order_by(a.type, a.actor_id, a.target_id, a.role_id,
                                      a.inherited)
        for column, values in ((a.type, types), (a.actor_id, actor_ids),
                               (a.target_id, target_ids), (a.role_id, role_ids)):
            if values is not None:
                query = query.where(column.in_(set(values)))
        if inherited is not None:
            query = query.where(a.inherited == bool(inherited))
        with self.reader() as session:
            return [_assignment_dict(r) for r in session.scalars(query)]

    def delete_assignments_for_actor(self, actor_id):
        with self.writer('role assignment') as session:
            session.execute(sa.delete(models.Assignment)
                            .where(models.Assignment.actor_id == actor_id))

    def delete_assignments_for_target(self, target_id):
        with self.writer('role assignment') as session:
            session.execute(sa.delete(models.Assignment)
                            .where(models.Assignment.target_id == target_id))


