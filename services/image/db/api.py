"""Persistence of images, properties, tags and members.

Functions take and return plain dicts so the API layer never holds ORM
objects (and so never triggers hidden loads after a session closes).
Status changes that race (two uploads at once) use a conditional UPDATE:
only the request that sees the expected old status wins.
"""

import datetime

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as db_utils

from common import db
from services.image import exception
from services.image.db import models

SERVICE = 'image'
CORE_COLUMNS = ('id', 'name', 'status', 'visibility', 'owner', 'size', 'virtual_size',
                'checksum', 'os_hash_algo', 'os_hash_value', 'disk_format',
                'container_format', 'min_disk', 'min_ram', 'protected', 'os_hidden',
                'location', 'created_at', 'updated_at')
SORT_KEYS = ('name', 'status', 'container_format', 'disk_format', 'size', 'virtual_size',
             'id', 'created_at', 'updated_at', 'visibility', 'owner', 'min_disk', 'min_ram')
EXACT_FILTERS = ('id', 'name', 'status', 'disk_format', 'container_format', 'owner',
                 'checksum', 'os_hash_value')
DATE_OPS = {'gt': '__gt__', 'gte': '__ge__', 'lt': '__lt__', 'lte': '__le__',
            'eq': '__eq__', 'neq': '__ne__'}


def _writer():
    return db.get_context_manager(SERVICE).writer


def _reader():
    return db.get_context_manager(SERVICE).reader


class _Tx:
    """A bare transaction holder: enginefacade keeps its state on this object."""


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


def _image_to_dict(row):
    values = {name: getattr(row, name) for name in CORE_COLUMNS}
    values['properties'] = {p.name: p.value for p in row.properties}
    values['tags'] = sorted(t.value for t in row.tags)
    return values


def _member_to_dict(row):
    return {'image_id': row.image_id, 'member_id': row.member, 'status': row.status,
            'created_at': row.created_at, 'updated_at': row.updated_at}


def _get(session, image_id):
    row = session.get(models.Image, image_id)
    if row is None:
        raise exception.ImageNotFound(image_id=image_id)
    return row


# -- images -------------------------------------------------------------------

def image_create(values, properties=None, tags=()):
    stamp = now()
    row = models.Image(created_at=stamp, updated_at=stamp, min_disk=0, min_ram=0,
                       protected=False, os_hidden=False)
    for key, value in values.items():
        setattr(row, key, value)
    row.properties = [models.ImageProperty(name=k, value=v)
                      for k, v in (properties or {}).items()]
    row.tags = [models.ImageTag(value=t) for t in dict.fromkeys(tags)]
    try:
        with _writer().using(_Tx()) as session:
            session.add(row)
            session.flush()
            return _image_to_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.DuplicateImage(image_id=values.get('id'))


def image_get(image_id):
    with _reader().using(_Tx()) as session:
        return _image_to_dict(_get(session, image_id))


def image_update(image_id, values=None, properties=None, tags=None, expected_status=None):
    """Update core ``values``; ``properties``/``tags``, when given, replace the old ones.

    With ``expected_status`` the update only happens while the image is still
    in that status (a tuple allows several); otherwise the transition is refused.
    """
    values = dict(values or {})
    with _writer().using(_Tx()) as session:
        row = _get(session, image_id)
        if expected_status is not None:
            allowed = (expected_status,) if isinstance(expected_status, str) \
                else tuple(expected_status)
            stmt = (sa.update(models.Image)
                    .where(models.Image.id == image_id, models.Image.status.in_(allowed))
                    .values(updated_at=now(), **values)
                    .execution_options(synchronize_session=False))
            if session.execute(stmt).rowcount != 1:
                session.refresh(row)
                raise exception.InvalidStatusTransition(
                    current=row.status, target=values.get('status', 'updated'))
            session.refresh(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now()
        if properties is not None:
            current = {p.name: p for p in row.properties}
            for name in set(current) - set(properties):
                row.properties.remove(current[name])
            for name, value in properties.items():
                if name in current:
                    current[name].value = value
                else:
                    row.properties.append(models.ImageProperty(name=name, value=value))
            row.updated_at = now()
        if tags is not None:
            current = {t.value: t for t in row.tags}
            for value in set(current) - set(tags):
                row.tags.remove(current[value])
            for value in dict.fromkeys(tags):
                if value not in current:
                    row.tags.append(models.ImageTag(value=value))
            row.updated_at = now()
        session.flush()
        return _image_to_dict(row)


def image_destroy(image_id):
    with _writer().using(_Tx()) as session:
        row = _get(session, image_id)
        values = _image_to_dict(row)
        session.execute(sa.delete(models.ImageMember)
                        .where(models.ImageMember.image_id == image_id))
        session.delete(row)
        return values


def _in_or_eq(column, raw):
    if isinstance(raw, str) and raw.startswith('in:'):
        return column.in_([v.strip() for v in raw[3:].split(',')])
    return column == raw


def _member_exists(project_id, statuses):
    cond = [models.ImageMember.image_id == models.Image.id,
            models.ImageMember.member == project_id]
    if statuses is not None:
        cond.append(models.ImageMember.status.in_(statuses))
    return sa.exists().where(*cond)


def _scope(project_id, is_admin, visibility, member_status):
    """The WHERE clause for what the caller may list."""
    Image = models.Image
    statuses = None if member_status == 'all' else [member_status or 'accepted']
    owned = Image.owner == project_id
    shared_to_me = sa.and_(Image.visibility == 'shared', _member_exists(project_id, statuses))
    if visibility in ('public', 'community'):
        return Image.visibility == visibility
    if is_admin:
        if visibility in ('private', 'shared'):
            return Image.visibility == visibility
        return sa.true()
    if visibility == 'private':
        return sa.and_(Image.visibility == 'private', owned)
    if visibility == 'shared':
        return sa.and_(Image.visibility == 'shared', sa.or_(owned, shared_to_me))
    visible = [owned, Image.visibility == 'public', shared_to_me]
    if visibility == 'all':
        visible.append(Image.visibility == 'community')
    return sa.or_(*visible)


def image_list(project_id, is_admin, filters, sort_keys, sort_dirs, limit, marker=None):
    """Images the caller may see, filtered, sorted and paginated.

    ``filters`` holds already-validated values: exact core fields (or
    ``in:a,b``), ``tags`` (all must match), ``size_min``/``size_max``,
    ``protected``/``os_hidden`` booleans, ``created_at``/``updated_at`` as
    ``(op, datetime)`` and ``properties`` (custom key/value pairs).
    """
    Image = models.Image
    filters = dict(filters)
    with _reader().using(_Tx()) as session:
        query = session.query(Image).filter(
            _scope(project_id, is_admin, filters.pop('visibility', None),
                   filters.pop('member_status', None)))
        for name in EXACT_FILTERS:
            if name in filters:
                query = query.filter(_in_or_eq(getattr(Image, name), filters[name]))
        for tag in filters.get('tags', ()):
            query = query.filter(sa.exists().where(models.ImageTag.image_id == Image.id,
                                                   models.ImageTag.value == tag))
        if 'size_min' in filters:
            query = query.filter(Image.size >= filters['size_min'])
        if 'size_max' in filters:
            query = query.filter(Image.size <= filters['size_max'])
        query = query.filter(Image.os_hidden == filters.get('os_hidden', False))
        if 'protected' in filters:
            query = query.filter(Image.protected == filters['protected'])
        for name in ('created_at', 'updated_at'):
            if name in filters:
                op, stamp = filters[name]
                query = query.filter(getattr(getattr(Image, name), DATE_OPS[op])(stamp))
        for key, value in filters.get('properties', {}).items():
            query = query.filter(sa.exists().where(
                models.ImageProperty.image_id == Image.id,
                models.ImageProperty.name == key, models.ImageProperty.value == value))
        marker_row = None
        if marker is not None:
            marker_row = session.query(Image).filter(Image.id == marker).filter(
                _scope(project_id, is_admin, 'all', 'all')).first()
            if marker_row is None:
                raise exception.InvalidMarker(marker=marker)
        keys, dirs = list(sort_keys), list(sort_dirs)
        if 'id' not in keys:
            keys.append('id')
            dirs.append(dirs[-1] if dirs else 'desc')
        dirs = [d + '-nullsfirst' if d == 'asc' else d + '-nullslast' for d in dirs]
        query = db_utils.paginate_query(query, Image, limit, keys, marker=marker_row,
                                        sort_dirs=dirs)
        return [_image_to_dict(row) for row in query.all()]


# -- tags ---------------------------------------------------------------------

def tag_add(image_id, tag):
    image = image_get(image_id)
    if tag not in image['tags']:
        image = image_update(image_id, tags=image['tags'] + [tag])
    return image


def tag_delete(image_id, tag):
    image = image_get(image_id)
    if tag not in image['tags']:
        raise exception.TagNotFound(image_id=image_id, tag=tag)
    return image_update(image_id, tags=[t for t in image['tags'] if t != tag])


# -- members ------------------------------------------------------------------

def member_create(image_id, member_id):
    stamp = now()
    row = models.ImageMember(image_id=image_id, member=member_id, status='pending',
                             created_at=stamp, updated_at=stamp)
    try:
        with _writer().using(_Tx()) as session:
            _get(session, image_id)
            session.add(row)
            session.flush()
            return _member_to_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.DuplicateMember(image_id=image_id, member_id=member_id)


def _member_row(session, image_id, member_id):
    row = session.query(models.ImageMember).filter_by(image_id=image_id,
                                                      member=member_id).first()
    if row is None:
        raise exception.MemberNotFound(image_id=image_id, member_id=member_id)
    return row


def member_get(image_id, member_id):
    with _reader().using(_Tx()) as session:
        return _member_to_dict(_member_row(session, image_id, member_id))


def member_list(image_id, member_id=None):
    with _reader().using(_Tx()) as session:
        query = session.query(models.ImageMember).filter_by(image_id=image_id)
        if member_id is not None:
            query = query.filter_by(member=member_id)
        return [_member_to_dict(r) for r in query.order_by(models.ImageMember.created_at,
                                                           models.ImageMember.id)]


def member_update(image_id, member_id, status):
    with _writer().using(_Tx()) as session:
        row = _member_row(session, image_id, member_id)
        row.status = status
        row.updated_at = now()
        session.flush()
        return _member_to_dict(row)


def member_delete(image_id, member_id):
    with _writer().using(_Tx()) as session:
        session.delete(_member_row(session, image_id, member_id))
