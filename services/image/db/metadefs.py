"""Persistence of metadata definitions (plain dicts in and out).

A namespace holds objects, properties and tags (one table, ``kind`` tells
them apart; the definition itself is a JSON document) and is associated
with resource types.  Deleting a namespace deletes all of them.
"""

import json

import sqlalchemy as sa
from oslo_db import exception as db_exc

from services.image import exception
from services.image.db import api as db_api
from services.image.db import models

KINDS = ('object', 'property', 'tag')
NAMESPACE_COLUMNS = ('namespace', 'display_name', 'description', 'visibility', 'protected',
                     'owner', 'created_at', 'updated_at')
SORT_KEYS = ('namespace', 'display_name', 'created_at', 'updated_at', 'visibility')


def _ns_dict(row):
    values = {name: getattr(row, name) for name in NAMESPACE_COLUMNS}
    values['id'] = row.id
    return values


def _child_dict(row):
    return {'name': row.name, 'body': json.loads(row.body), 'created_at': row.created_at,
            'updated_at': row.updated_at}


def _visible(query, project_id, is_admin):
    if is_admin:
        return query
    clause = models.MetadefNamespace.visibility == 'public'
    if project_id:
        clause = sa.or_(clause, models.MetadefNamespace.owner == project_id)
    return query.where(clause)


def _ns_row(session, namespace):
    row = session.execute(sa.select(models.MetadefNamespace).where(
        models.MetadefNamespace.namespace == namespace)).scalar_one_or_none()
    if row is None:
        raise exception.NamespaceNotFound(namespace=namespace)
    return row


# -- namespaces -----------------------------------------------------------------------

def namespace_list(project_id, is_admin, visibility=None, resource_types=None,
                   sort_key='created_at', sort_dir='desc', limit=None, marker=None):
    ns = models.MetadefNamespace
    with db_api._reader().using(db_api._Tx()) as session:
        query = _visible(sa.select(ns), project_id, is_admin)
        if visibility:
            query = query.where(ns.visibility == visibility)
        if resource_types:
            query = query.where(ns.id.in_(
                sa.select(models.MetadefAssociation.namespace_id)
                .join(models.MetadefResourceType)
                .where(models.MetadefResourceType.name.in_(resource_types))))
        column = getattr(ns, sort_key)
        order = [column.desc() if sort_dir == 'desc' else column.asc(),
                 ns.id.desc() if sort_dir == 'desc' else ns.id.asc()]
        if marker is not None:
            mark = session.execute(sa.select(ns).where(ns.namespace == marker)) \
                .scalar_one_or_none()
            if mark is None:
                raise exception.NamespaceNotFound(namespace=marker)
            value = getattr(mark, sort_key)
            if sort_dir == 'desc':
                query = query.where(sa.or_(column < value,
                                           sa.and_(column == value, ns.id < mark.id)))
            else:
                query = query.where(sa.or_(column > value,
                                           sa.and_(column == value, ns.id > mark.id)))
        query = query.order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        return [_ns_dict(r) for r in session.execute(query).scalars()]


def namespace_get(namespace):
    with db_api._reader().using(db_api._Tx()) as session:
        return _ns_dict(_ns_row(session, namespace))


def namespace_create(values, associations=(), children=()):
    """``associations``: dicts with ``name``, ``prefix``, ``properties_target``;
    ``children``: ``(kind, name, body)`` triples."""
    stamp = db_api.now()
    try:
        with db_api._writer().using(db_api._Tx()) as session:
            row = models.MetadefNamespace(created_at=stamp, updated_at=stamp, **values)
            session.add(row)
            session.flush()
            for assoc in associations:
                _associate(session, row, assoc, stamp)
            for kind, name, body in children:
                session.add(models.MetadefChild(namespace_id=row.id, kind=kind, name=name,
                                                body=json.dumps(body), created_at=stamp,
                                                updated_at=stamp))
            session.flush()
            return _ns_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.DuplicateNamespace(namespace=values['namespace'])


def namespace_update(namespace, values):
    try:
        with db_api._writer().using(db_api._Tx()) as session:
            row = _ns_row(session, namespace)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = db_api.now()
            session.flush()
            return _ns_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.DuplicateNamespace(namespace=values.get('namespace'))


def namespace_delete(namespace):
    with db_api._writer().using(db_api._Tx()) as session:
        row = _ns_row(session, namespace)
        for model in (models.MetadefChild, models.MetadefAssociation):
            session.execute(sa.delete(model).where(model.namespace_id == row.id))
        session.delete(row)


# -- resource types and associations ----------------------------------------------------

def resource_type_list():
    rt = models.MetadefResourceType
    with db_api._reader().using(db_api._Tx()) as session:
        return [{'name': r.name, 'created_at': r.created_at, 'updated_at': r.updated_at}
                for r in session.execute(sa.select(rt).order_by(rt.name)).scalars()]


def _resource_type(session, name, stamp, create=True):
    rt = models.MetadefResourceType
    row = session.execute(sa.select(rt).where(rt.name == name)).scalar_one_or_none()
    if row is None:
        if not create:
            raise exception.ResourceTypeNotFound(name=name)
        row = rt(name=name, protected=False, created_at=stamp, updated_at=stamp)
        session.add(row)
        session.flush()
    return row


def resource_types_ensure(names, protected=True):
    """Create the named resource types that do not exist yet."""
    stamp = db_api.now()
    with db_api._writer().using(db_api._Tx()) as session:
        for name in names:
            row = _resource_type(session, name, stamp)
            row.protected = row.protected or protected


def _associate(session, ns_row, assoc, stamp):
    rt_row = _resource_type(session, assoc['name'], stamp)
    model = models.MetadefAssociation
    if session.get(model, (ns_row.id, rt_row.id)) is not None:
        raise exception.DuplicateAssociation(resource_type=assoc['name'],
                                             namespace=ns_row.namespace)
    row = model(namespace_id=ns_row.id, resource_type_id=rt_row.id,
                prefix=assoc.get('prefix'), properties_target=assoc.get('properties_target'),
                created_at=stamp, updated_at=stamp)
    session.add(row)
    return row


def _assoc_dict(row, name):
    return {'name': name, 'prefix': row.prefix, 'properties_target': row.properties_target,
            'created_at': row.created_at, 'updated_at': row.updated_at}


def associations(namespace_ids):
    """``{namespace id: [association, ...]}`` for the given namespaces."""
    result = {i: [] for i in namespace_ids}
    if not result:
        return result
    model, rt = models.MetadefAssociation, models.MetadefResourceType
    with db_api._reader().using(db_api._Tx()) as session:
        rows = session.execute(
            sa.select(model, rt.name).join(rt, rt.id == model.resource_type_id)
            .where(model.namespace_id.in_(list(result))).order_by(rt.name))
        for row, name in rows:
            result[row.namespace_id].append(_assoc_dict(row, name))
    return result


def association_create(namespace, values):
    stamp = db_api.now()
    with db_api._writer().using(db_api._Tx()) as session:
        row = _associate(session, _ns_row(session, namespace), values, stamp)
        session.flush()
        return _assoc_dict(row, values['name'])


def association_delete(namespace, resource_type):
    model = models.MetadefAssociation
    with db_api._writer().using(db_api._Tx()) as session:
        ns_row = _ns_row(session, namespace)
        rt_row = _resource_type(session, resource_type, None, create=False)
        row = session.get(model, (ns_row.id, rt_row.id))
        if row is None:
            raise exception.AssociationNotFound(resource_type=resource_type,
                                                namespace=namespace)
        session.delete(row)


# -- objects, properties, tags -----------------------------------------------------------

def _child_row(session, ns_row, kind, name):
    model = models.MetadefChild
    row = session.execute(sa.select(model).where(
        model.namespace_id == ns_row.id, model.kind == kind, model.name == name)) \
        .scalar_one_or_none()
    if row is None:
        raise exception.MetadefNotFound(kind=kind, namespace=ns_row.namespace, name=name)
    return row


def child_list(namespace, kind):
    model = models.MetadefChild
    with db_api._reader().using(db_api._Tx()) as session:
        ns_row = _ns_row(session, namespace)
        rows = session.execute(sa.select(model).where(
            model.namespace_id == ns_row.id, model.kind == kind).order_by(model.name))
        return [_child_dict(r) for r in rows.scalars()]


def children_of(namespace_id):
    """``{kind: [definition, ...]}`` of one namespace."""
    model = models.MetadefChild
    result = {kind: [] for kind in KINDS}
    with db_api._reader().using(db_api._Tx()) as session:
        rows = session.execute(sa.select(model).where(model.namespace_id == namespace_id)
                               .order_by(model.name))
        for row in rows.scalars():
            result[row.kind].append(_child_dict(row))
    return result


def child_get(namespace, kind, name):
    with db_api._reader().using(db_api._Tx()) as session:
        return _child_dict(_child_row(session, _ns_row(session, namespace), kind, name))


def child_create(namespace, kind, items):
    """Create ``items`` (``(name, body)`` pairs) in one transaction."""
    stamp = db_api.now()
    created = []
    with db_api._writer().using(db_api._Tx()) as session:
        ns_row = _ns_row(session, namespace)
        for name, body in items:
            model = models.MetadefChild
            exists = session.execute(sa.select(model.id).where(
                model.namespace_id == ns_row.id, model.kind == kind,
                model.name == name)).first()
            if exists:
                raise exception.DuplicateMetadef(kind=kind, name=name, namespace=namespace)
            row = model(namespace_id=ns_row.id, kind=kind, name=name, body=json.dumps(body),
                        created_at=stamp, updated_at=stamp)
            session.add(row)
            session.flush()
            created.append(_child_dict(row))
    return created


def child_update(namespace, kind, name, new_name, body):
    with db_api._writer().using(db_api._Tx()) as session:
        ns_row = _ns_row(session, namespace)
        row = _child_row(session, ns_row, kind, name)
        if new_name != name:
            model = models.MetadefChild
            if session.execute(sa.select(model.id).where(
                    model.namespace_id == ns_row.id, model.kind == kind,
                    model.name == new_name)).first():
                raise exception.DuplicateMetadef(kind=kind, name=new_name,
                                                 namespace=namespace)
        row.name = new_name
        row.body = json.dumps(body)
        row.updated_at = db_api.now()
        session.flush()
        return _child_dict(row)


def child_delete(namespace, kind, name):
    with db_api._writer().using(db_api._Tx()) as session:
        session.delete(_child_row(session, _ns_row(session, namespace), kind, name))


def children_delete(namespace, kind):
    model = models.MetadefChild
    with db_api._writer().using(db_api._Tx()) as session:
        ns_row = _ns_row(session, namespace)
        session.execute(sa.delete(model).where(model.namespace_id == ns_row.id,
                                               model.kind == kind))
