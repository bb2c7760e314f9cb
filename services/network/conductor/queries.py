"""Shared query helpers: which rows a caller finds (:class:`Visible`),
filters, sorting and pagination."""

import sqlalchemy as sa
from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import strutils
from oslo_utils import timeutils

from services.network import exception
from services.network.api import schemas
from services.network.db import models

# What keystone's service role (compute's service user) reaches in every
# project: the ports it binds, the networks and subnets they are on, the
# security groups it puts on them and the floating IPs of those ports (the
# server's addresses show them).
SERVICE_MODELS = (models.Port, models.Network, models.Subnet, models.SecurityGroup,
                  models.FloatingIP)
SERVICE_ROLE = 'service'


def is_admin(context):
    return bool(context.is_admin)


def is_service(context):
    return SERVICE_ROLE in (context.roles or ())


def sees_all(context, model):
    """Whether ``context`` finds ``model`` rows of every project: admins do,
    and the service role does for :data:`SERVICE_MODELS`."""
    return is_admin(context) or (is_service(context) and model in SERVICE_MODELS)


def owned_by(context, obj):
    return is_admin(context) or obj.project_id == context.project_id


class Visible:
    """Which rows of ``model`` a caller finds, and how a found row is shown.

    The rule, in one place for every resource: admins (and the service role,
    for :data:`SERVICE_MODELS`) find every row; others find their own
    project's rows and those ``shared`` admits. A model without a project of
    its own names its parent in ``through`` (foreign key, parent's
    ``Visible``) and is found where that parent is. ``unscoped`` rows are
    found by every caller: the API's policy decides who may ask. A row the
    caller does not find raises ``not_found(row_id)``, the same 404 as a row
    that does not exist.

    ``shared`` is a SQL condition, or a function of the context giving one
    (networks: shared, external or granted by RBAC; subnets: on such a
    network). ``view`` makes the API dict of a row; ``seen_by(context,
    session, items)``, if given, adjusts those dicts to the caller.
    ``columns`` maps API attribute names to columns for filters and sorts.
    """

    def __init__(self, model, not_found, view=None, columns=None, shared=None, through=None,
                 unscoped=False, seen_by=None):
        self.model, self.not_found, self.view, self.columns = model, not_found, view, columns
        self.shared, self.through, self.unscoped = shared, through, unscoped
        self.seen_by = seen_by

    def query(self, context, session):
        """The rows of ``model`` the caller finds."""
        query = session.query(self.model)
        if self.through is not None:
            foreign_key, parent = self.through
            found = parent.query(context, session).with_entities(parent.model.id).subquery()
            return query.filter(foreign_key.in_(sa.select(found.c.id)))
        if self.unscoped or sees_all(context, self.model):
            return query
        own = self.model.project_id == context.project_id
        if self.shared is None:
            return query.filter(own)
        shared = (self.shared if isinstance(self.shared, sa.ColumnElement)
                  else self.shared(context))
        return query.filter(sa.or_(own, shared))

    def get_row(self, context, session, row_id):
        row = self.query(context, session).filter(self.model.id == row_id).first()
        if row is None:
            raise self.not_found(row_id)
        return row

    def show(self, context, session, rows):
        """The API dicts of ``rows``, as the caller is shown them."""
        items = [self.view(row) for row in rows]
        return self.seen_by(context, session, items) if self.seen_by else items

    def get(self, context, session, row_id):
        return self.show(context, session, [self.get_row(context, session, row_id)])[0]

    def get_all(self, context, session, filters=None, query=None, **page):
        """A filtered, sorted page of the rows found (within ``query``, a
        narrowing of :meth:`query`, if given)."""
        if query is None:
            query = self.query(context, session)
        rows = list_rows(query, self.model, self.columns, filters, **page)
        return self.show(context, session, rows)


def new_project(context, body):
    """The project a new resource belongs to. The API has checked who may
    name another project; internal resources (gateway and floating IP
    ports) say ``''`` (no project) themselves. Nothing is stored for an
    unknown project."""
    project_id = body.get('project_id')
    if project_id is None:
        project_id = context.project_id
    if project_id is None:
        raise exception.BadRequest(resource='request', msg='a project is required')
    return project_id


def _coerce(column, key, value):
    """``value`` of a query filter as the column's type, or 400: the database
    never sees a value it cannot hold (a number past its range, a time that
    is not one)."""
    if isinstance(column.type, sa.DateTime):
        try:
            return timeutils.normalize_time(timeutils.parse_isotime(value))
        except (TypeError, ValueError):
            raise exception.InvalidInput(
                error_message="'%s' is not a date and time for %s" % (value, key))
    if isinstance(column.type, sa.Boolean):
        if isinstance(value, bool):
            return value
        try:
            return strutils.bool_from_string(value, strict=True)
        except ValueError:
            raise exception.InvalidInput(
                error_message="'%s' is not a valid boolean value for %s" % (value, key))
    if isinstance(column.type, (sa.Integer, sa.BigInteger)):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise exception.InvalidInput(
                error_message="'%s' is not an integer for %s" % (value, key))
        if not -schemas.DB_INT_MAX <= number <= schemas.DB_INT_MAX:
            raise exception.InvalidInput(
                error_message="'%s' is out of range for %s" % (value, key))
        return number
    return value


def apply_filters(query, columns, filters):
    """``filters`` maps API attribute names to lists of accepted values."""
    for key, values in (filters or {}).items():
        column = columns.get(key)
        if column is None:
            continue
        if not isinstance(values, (list, tuple)):
            values = [values]
        values = [_coerce(column, key, v) for v in values]
        if isinstance(column.type, sa.String) and None not in values:
            query = query.filter(column.in_(values))
        else:
            query = query.filter(sa.or_(*[column.is_(v) if v is None or isinstance(v, bool)
                                         else column == v for v in values]))
    return query


def paginate(query, model, columns, sorts=None, limit=None, marker=None,
             page_reverse=False):
    """Sort by ``sorts`` (``[(attr, 'asc'|'desc')]``) then id; keyset on ``marker``."""
    sort_keys, sort_dirs = [], []
    for key, direction in sorts or []:
        column = columns.get(key)
        if column is None or direction not in ('asc', 'desc'):
            raise exception.BadRequest(resource='sort', msg='%s is an invalid sort key '
                                       'or direction' % key)
        sort_keys.append(column.key)
        sort_dirs.append(direction)
    if 'id' not in sort_keys:
        sort_keys.append('id')
        sort_dirs.append(sort_dirs[0] if sort_dirs else 'asc')
    if page_reverse:
        sort_dirs = ['desc' if d == 'asc' else 'asc' for d in sort_dirs]
    marker_obj = None
    if marker:
        # Looked up within the caller's page query: another project's row is
        # no marker (and says nothing of its existence).
        marker_obj = query.filter(model.id == marker).first()
        if marker_obj is None:
            raise exception.BadRequest(resource='pagination',
                                       msg='marker %s not found' % marker)
    return db_utils.paginate_query(query, model, limit, sort_keys, marker=marker_obj,
                                   sort_dirs=sort_dirs)


TAG_FILTERS = ('tags', 'tags-any', 'not-tags', 'not-tags-any')


def _tag_list(values):
    """Tags of a filter: repeated values and comma-separated lists alike."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    return [t for v in values for t in str(v).split(',') if t]


def apply_tag_filters(query, model, filters):
    """``tags`` (all of), ``tags-any``, ``not-tags`` (not all of) and
    ``not-tags-any`` (none of); ``filters`` loses those keys."""
    for key in TAG_FILTERS:
        if key not in filters:
            continue
        wanted = _tag_list(filters.pop(key))
        if not wanted or not hasattr(model, 'tag_rows'):
            continue
        tagged = [model.id.in_(sa.select(models.Tag.resource_id).where(models.Tag.tag == t))
                  for t in wanted]
        condition = sa.and_(*tagged) if key in ('tags', 'not-tags') else sa.or_(*tagged)
        query = query.filter(sa.not_(condition) if key.startswith('not-') else condition)
    return query


def page_query(query, model, columns, filters=None, sorts=None, limit=None, marker=None,
               page_reverse=False):
    """``query`` narrowed to one filtered, sorted page (reversed if ``page_reverse``)."""
    filters = dict(filters or {})
    query = apply_tag_filters(query, model, filters)
    query = apply_filters(query, columns, filters)
    return paginate(query, model, columns, sorts, limit, marker, page_reverse)


def list_rows(query, model, columns, filters=None, sorts=None, limit=None, marker=None,
              page_reverse=False, entities=None):
    """Filtered, sorted page of ``model`` rows (or of ``entities`` columns)."""
    query = page_query(query, model, columns, filters, sorts, limit, marker, page_reverse)
    if entities is not None:
        query = query.with_entities(*entities)
    rows = query.all()
    if page_reverse:
        rows.reverse()
    return rows


def standard_columns(model, *names):
    """Map API attribute names to columns for ``names`` plus the standard ones."""
    columns = {n: getattr(model, n) for n in names}
    for name in ('id', 'project_id', 'name', 'description', 'created_at', 'updated_at',
                 'revision_number'):
        if hasattr(model, name):
            columns[name] = getattr(model, name)
    if 'project_id' in columns:
        columns['tenant_id'] = columns['project_id']
    return columns


def standard_dict(obj):
    """The attributes every neutron resource shares."""
    return {
        'id': obj.id,
        'project_id': obj.project_id,
        'tenant_id': obj.project_id,
        'description': obj.description,
        'created_at': iso(obj.created_at),
        'updated_at': iso(obj.updated_at),
        'revision_number': obj.revision_number,
        'tags': [t.tag for t in getattr(obj, 'tag_rows', ())],
    }


def iso(value):
    return value.isoformat(timespec='seconds') + 'Z' if value else None


def bump(obj, values):
    """Apply ``values`` to ``obj`` and raise its revision if anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if changed:
        obj.revision_number = (obj.revision_number or 0) + 1
    return changed
