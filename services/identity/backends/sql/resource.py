"""SQL driver for domains and projects (with their tags)."""

import json

import sqlalchemy as sa

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import filtering
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models


def _domain_dict(row):
    return {'id': row.id, 'name': row.name, 'description': row.description,
            'enabled': row.enabled, 'tags': sorted(t.name for t in row.tags)}


def _project_dict(row):
    return {'id': row.id, 'name': row.name, 'domain_id': row.domain_id,
            'parent_id': row.parent_id, 'description': row.description,
            'enabled': row.enabled, 'tags': sorted(t.name for t in row.tags),
            'extra': json.loads(row.extra) if row.extra else {}}


def _set_tags(row, tag_model, tags):
    wanted = set(filtering.normalize_tags(tags))
    for tag in list(row.tags):
        if tag.name not in wanted:
            row.tags.remove(tag)
    have = {t.name for t in row.tags}
    for name in sorted(wanted - have):
        row.tags.append(tag_model(name=name))


def _tag_exists(names):
    return sa.exists().where(models.ProjectTag.project_id == models.Project.id,
                             models.ProjectTag.name.in_(names))


def _tag_filters(tags, tags_any, not_tags, not_tags_any):
    clauses = []
    if tags:
        clauses.append(sa.and_(*[_tag_exists([t]) for t in set(tags)]))
    if tags_any:
        clauses.append(_tag_exists(list(tags_any)))
    if not_tags:
        clauses.append(sa.not_(sa.and_(*[_tag_exists([t]) for t in set(not_tags)])))
    if not_tags_any:
        clauses.append(sa.not_(_tag_exists(list(not_tags_any))))
    return clauses


class ResourceDriver(sql.SqlDriver, base.ResourceDriver):

    # domains

    def create_domain(self, domain):
        ref = shapes.shape('domain', domain)
        with self.writer('domain', name_detail='name %s' % ref['name'],
                         id_detail='ID %s' % ref['id']) as session:
            row = models.Domain(id=ref['id'], name=ref['name'],
                                description=ref['description'],
                                enabled=ref['enabled'], tags=[])
            _set_tags(row, models.DomainTag, ref['tags'])
            session.add(row)
            session.flush()
            return _domain_dict(row)

    @staticmethod
    def _domain(session, domain_id):
        row = session.get(models.Domain, domain_id)
        if row is None:
            raise exception.DomainNotFound(domain_id=domain_id)
        return row

    def get_domain(self, domain_id):
        with self.reader() as session:
            return _domain_dict(self._domain(session, domain_id))

    def get_domain_by_name(self, name):
        with self.reader() as session:
            row = session.scalars(sa.select(models.Domain)
                                  .where(models.Domain.name == name)).first()
            if row is None:
                raise exception.DomainNotFound(domain_id=name)
            return _domain_dict(row)

    def list_domains(self, hints=None):
        with self.reader() as session:
            query, leftover = sql.apply_hints(sa.select(models.Domain),
                                              models.Domain, hints)
            refs = [_domain_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def update_domain(self, domain_id, changes):
        with self.writer('domain') as session:
            row = self._domain(session, domain_id)
            for field in ('name', 'description', 'enabled'):
                if field in changes:
                    setattr(row, field, changes[field])
            if 'tags' in changes:
                _set_tags(row, models.DomainTag, changes['tags'])
            session.info['name_detail'] = 'name %s' % row.name
            session.flush()
            return _domain_dict(row)

    def delete_domain(self, domain_id):
        with self.writer('domain') as session:
            row = self._domain(session, domain_id)
            session.delete(row)

    # projects

    def create_project(self, project):
        ref = shapes.shape('project', project)
        with self.writer('project', id_detail='ID %s' % ref['id'],
                         name_detail='name %s at domain ID %s'
                         % (ref['name'], ref['domain_id'])) as session:
            row = models.Project(id=ref['id'], name=ref['name'],
                                 domain_id=ref['domain_id'],
                                 parent_id=ref['parent_id'],
                                 description=ref['description'],
                                 enabled=ref['enabled'], tags=[],
                                 extra=json.dumps(ref['extra']))
            _set_tags(row, models.ProjectTag, ref['tags'])
            session.add(row)
            session.flush()
            return _project_dict(row)

    @staticmethod
    def _project(session, project_id):
        row = session.get(models.Project, project_id)
        if row is None:
            raise exception.ProjectNotFound(project_id=project_id)
        return row

    def get_project(self, project_id):
        with self.reader() as session:
            return _project_dict(self._project(session, project_id))

    def get_project_by_name(self, name, domain_id):
        with self.reader() as session:
            row = session.scalars(sa.select(models.Project).where(
                models.Project.name == name,
                models.Project.domain_id == domain_id)).first()
            if row is None:
                raise exception.ProjectNotFound(project_id=name)
            return _project_dict(row)

    def list_projects(self, hints=None, tags=None, tags_any=None,
                      not_tags=None, not_tags_any=None):
        query, leftover = sql.apply_hints(sa.select(models.Project),
                                          models.Project, hints)
        query = query.where(*_tag_filters(tags, tags_any, not_tags, not_tags_any))
        with self.reader() as session:
            refs = [_project_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def list_projects_by_ids(self, project_ids):
        if not project_ids:
            return []
        query = sa.select(models.Project).where(models.Project.id.in_(set(project_ids)))
        with self.reader() as session:
            return [_project_dict(r) for r in session.scalars(query)]

    def list_project_children(self, project_id):
        query = sa.select(models.Project).where(models.Project.parent_id == project_id)
        with self.reader() as session:
            return [_project_dict(r) for r in session.scalars(query)]

    def update_project(self, project_id, changes):
        with self.writer('project') as session:
            row = self._project(session, project_id)
            for field in ('name', 'domain_id', 'parent_id', 'description', 'enabled'):
                if field in changes:
                    setattr(row, field, changes[field])
            if 'tags' in changes:
                _set_tags(row, models.ProjectTag, changes['tags'])
            if 'extra' in changes:
                row.extra = json.dumps(changes['extra'] or {})
            session.info['name_detail'] = 'name %s at domain ID %s' % (row.name, row.domain_id)
            session.flush()
            return _project_dict(row)

    def delete_project(self, project_id):
        with self.writer('project') as session:
            session.delete(self._project(session, project_id))
