"""Compute database access (imported by the conductor only).

Every function opens its own transaction and returns plain dicts, which the
versioned objects turn into fields; no ORM instance leaves this module.
"""

import datetime
import json
import re

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils

from common import db as common_db
from services.compute import exception
from services.compute.db import models

SERVICE = 'compute'
#: Largest value of a signed 32-bit INTEGER column.
MAX_INT = 2 ** 31 - 1


def writer():
    """A write transaction on this service's database (common.db.writer)."""
    return common_db.writer(SERVICE)


def reader():
    return common_db.reader(SERVICE)


def _now():
    return timeutils.utcnow().replace(tzinfo=None)


def _naive(values):
    out = {}
    for key, value in values.items():
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        out[key] = value
    return out


def _as_time(value):
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    return _naive({'t': value})['t']


def as_dict(row):
    values = {}
    for attr in sa.inspect(row).mapper.column_attrs:
        values[attr.key] = getattr(row, attr.key)
    if 'metadata_' in values:
        values['metadata'] = values.pop('metadata_')
    return values


def _in_values(values):
    values = _naive(values)
    if 'metadata' in values:
        values['metadata_'] = values.pop('metadata')
    return values


# -- services ---------------------------------------------------------------

def service_report(host, binary, topic, version):
    """Record a heartbeat; creates the service row on first report."""
    now = _now()
    with writer() as session:
        row = session.scalars(sa.select(models.Service).filter_by(
            host=host, binary=binary)).first()
        if row is None:
            row = models.Service(uuid=uuidutils.generate_uuid(), host=host, binary=binary,
                                 topic=topic, created_at=now, report_count=0)
            session.add(row)
        row.last_seen_at = now
        row.updated_at = now
        row.report_count = (row.report_count or 0) + 1
        row.version = version
        session.flush()
        return as_dict(row)


def service_get_all(binary=None, host=None):
    with reader() as session:
        query = sa.select(models.Service).order_by(models.Service.id)
        if binary:
            query = query.filter_by(binary=binary)
        if host:
            query = query.filter_by(host=host)
        return [as_dict(r) for r in session.scalars(query)]


def _integer_id(value):
    """``value`` as an INTEGER primary key, or None when it cannot be one
    (not ASCII digits, or beyond the column's range)."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_INT:
        return None
    return int(text)


def _service_row(session, service_id):
    column = models.Service.uuid if uuidutils.is_uuid_like(service_id) else models.Service.id
    if column is models.Service.id and _integer_id(service_id) is None:
        raise exception.ServiceNotFound(service_id=service_id)
    row = session.scalars(sa.select(models.Service).where(column == service_id)).first()
    if row is None:
        raise exception.ServiceNotFound(service_id=service_id)
    return row


def service_get(service_id):
    with reader() as session:
        return as_dict(_service_row(session, service_id))


def service_update(service_id, values):
    with writer() as session:
        row = _service_row(session, service_id)
        for key, value in _naive(values).items():
            setattr(row, key, value)
        row.updated_at = _now()
        session.flush()
        return as_dict(row)


def service_delete(service_id):
    with writer() as session:
        row = _service_row(session, service_id)
        session.execute(sa.delete(models.ComputeNode).where(
            models.ComputeNode.host == row.host))
        session.delete(row)


# -- compute nodes -----------------------------------------------------------

def compute_node_report(host, values):
    """Store a node's capacity report (totals only; usage is claimed here)."""
    now = _now()
    with writer() as session:
        row = session.scalars(sa.select(models.ComputeNode).filter_by(host=host)).first()
        if row is None:
            row = models.ComputeNode(uuid=uuidutils.generate_uuid(), host=host,
                                     created_at=now, vcpus_used=0, memory_mb_used=0,
                                     local_gb_used=0, running_vms=0)
            session.add(row)
        pinned = (row.inventory_settings or {}).get('pinned_ratios', [])
        for key, value in values.items():
            if key not in pinned:  # an operator set it through placement
                setattr(row, key, value)
        row.updated_at = now
        session.flush()
        return as_dict(row)


def compute_node_get_all(host=None):
    with reader() as session:
        query = sa.select(models.ComputeNode).order_by(models.ComputeNode.id)
        if host:
            query = query.filter_by(host=host)
        return [as_dict(r) for r in session.scalars(query)]


def compute_node_get(node_id):
    with reader() as session:
        if uuidutils.is_uuid_like(node_id):
            cond = models.ComputeNode.uuid == node_id
        elif _integer_id(node_id) is not None:
            cond = models.ComputeNode.id == _integer_id(node_id)
        else:
            raise exception.HypervisorNotFound(hypervisor_id=node_id)
        row = session.scalars(sa.select(models.ComputeNode).where(cond)).first()
        if row is None:
            raise exception.HypervisorNotFound(hypervisor_id=node_id)
        return as_dict(row)


def compute_node_claim(host, vcpus, memory_mb, disk_gb):
    """Atomically take resources on ``host``; False when they do not fit.

    One conditional UPDATE checks and takes in the same statement, so two
    schedulers racing for the last slot can never both succeed.
    """
    with writer() as session:
        return _claim(session, host, vcpus, memory_mb, disk_gb)


def _claim(session, host, vcpus, memory_mb, disk_gb):
    node = models.ComputeNode
    result = session.execute(
        sa.update(node).where(
            node.host == host,
            node.vcpus_used + vcpus <=
            (node.vcpus - node.vcpus_reserved) * node.cpu_allocation_ratio,
            node.memory_mb_used + memory_mb <=
            (node.memory_mb - node.memory_mb_reserved) * node.ram_allocation_ratio,
            node.local_gb_used + disk_gb <=
            (node.local_gb - node.local_gb_reserved) * node.disk_allocation_ratio,
        ).values(vcpus_used=node.vcpus_used + vcpus,
                 memory_mb_used=node.memory_mb_used + memory_mb,
                 local_gb_used=node.local_gb_used + disk_gb,
                 running_vms=node.running_vms + 1))
    return result.rowcount == 1


def compute_node_release(host, vcpus, memory_mb, disk_gb, instances=1):
    with writer() as session:
        _release(session, host, vcpus, memory_mb, disk_gb, instances)


def _release(session, host, vcpus, memory_mb, disk_gb, instances=1):
    node = models.ComputeNode
    session.execute(sa.update(node).where(node.host == host).values(
        vcpus_used=sa.case((node.vcpus_used >= vcpus, node.vcpus_used - vcpus), else_=0),
        memory_mb_used=sa.case((node.memory_mb_used >= memory_mb,
                                node.memory_mb_used - memory_mb), else_=0),
        local_gb_used=sa.case((node.local_gb_used >= disk_gb,
                               node.local_gb_used - disk_gb), else_=0),
        running_vms=sa.case((node.running_vms >= instances,
                             node.running_vms - instances), else_=0)))


# -- flavors -----------------------------------------------------------------

def _flavor_dict(session, row):
    values = as_dict(row)
    values['projects'] = list(session.scalars(sa.select(models.FlavorProject.project_id)
                                              .filter_by(flavor_id=row.id)))
    return values


def _flavor_row(session, flavorid):
    row = session.scalars(sa.select(models.Flavor).filter_by(flavorid=str(flavorid))).first()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return row


def flavor_create(values):
    values = dict(values)
    projects = values.pop('projects', [])
    now = _now()
    with writer() as session:
        for what in ('flavorid', 'name'):
            if session.scalars(sa.select(models.Flavor).filter_by(
                    **{what: values[what]})).first():
                raise exception.FlavorExists(what='ID' if what == 'flavorid' else 'name',
                                             value=values[what])
        row = models.Flavor(created_at=now, **values)
        session.add(row)
        session.flush()
        for project in projects:
            session.add(models.FlavorProject(flavor_id=row.id, project_id=project))
        session.flush()
        return _flavor_dict(session, row)


def flavor_get(flavorid):
    with reader() as session:
        return _flavor_dict(session, _flavor_row(session, flavorid))


def flavor_get_by_name(name):
    with reader() as session:
        row = session.scalars(sa.select(models.Flavor).filter_by(name=name)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=name)
        return _flavor_dict(session, row)


def flavor_get_all(project_id=None, is_public=True, min_ram=None, min_disk=None,
                   sort_key='flavorid', sort_dir='asc', limit=None, marker=None):
    """``is_public`` True: public plus those ``project_id`` may use; False:
    private only; None: all."""
    flavor = models.Flavor
    with reader() as session:
        query = sa.select(flavor)
        if is_public is True:
            cond = flavor.is_public.is_(True)
            if project_id:
                cond = sa.or_(cond, flavor.id.in_(
                    sa.select(models.FlavorProject.flavor_id).filter_by(project_id=project_id)))
            query = query.where(cond)
        elif is_public is False:
            query = query.where(flavor.is_public.is_(False))
        if min_ram is not None:
            query = query.where(flavor.memory_mb >= min_ram)
        if min_disk is not None:
            query = query.where(flavor.root_gb >= min_disk)
        rows = list(session.scalars(query))
        rows = _sort_rows(rows, sort_key, sort_dir, int_keys=('memory_mb', 'vcpus',
                                                               'root_gb', 'id'))
        if marker is not None:
            ids = [r.flavorid for r in rows]
            if marker not in ids:
                raise exception.Invalid(reason='marker [%s] not found' % marker)
            rows = rows[ids.index(marker) + 1:]
        if limit is not None:
            rows = rows[:limit]
        return [_flavor_dict(session, r) for r in rows]


def _sort_rows(rows, key, direction, int_keys=()):
    def sort_value(row):
        value = getattr(row, key, None)
        if key == 'flavorid' and value is not None and str(value).isdigit():
            return (0, int(value), '')
        if value is None:
            return (1, 0, '')
        return (1, value if key in int_keys else 0, '' if key in int_keys else str(value))
    return sorted(rows, key=sort_value, reverse=direction == 'desc')


def flavor_update(flavorid, values):
    with writer() as session:
        row = _flavor_row(session, flavorid)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = _now()
        session.flush()
        return _flavor_dict(session, row)


def flavor_destroy(flavorid):
    with writer() as session:
        row = _flavor_row(session, flavorid)
        session.execute(sa.delete(models.FlavorProject).filter_by(flavor_id=row.id))
        session.delete(row)


def flavor_add_project(flavorid, project_id):
    with writer() as session:
        row = _flavor_row(session, flavorid)
        if session.scalars(sa.select(models.FlavorProject).filter_by(
                flavor_id=row.id, project_id=project_id)).first():
            raise exception.FlavorAccessExists(flavor_id=flavorid, project_id=project_id)
        session.add(models.FlavorProject(flavor_id=row.id, project_id=project_id))
        session.flush()
        return _flavor_dict(session, row)


def flavor_remove_project(flavorid, project_id):
    with writer() as session:
        row = _flavor_row(session, flavorid)
        result = session.execute(sa.delete(models.FlavorProject).filter_by(
            flavor_id=row.id, project_id=project_id))
        if not result.rowcount:
            raise exception.FlavorAccessNotFound(flavor_id=flavorid, project_id=project_id)
        return _flavor_dict(session, row)


# -- key pairs ----------------------------------------------------------------

def keypair_create(values):
    with writer() as session:
        if session.scalars(sa.select(models.KeyPair).filter_by(
                user_id=values['user_id'], name=values['name'])).first():
            raise exception.KeypairExists(name=values['name'])
        row = models.KeyPair(created_at=_now(), **values)
        session.add(row)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.KeypairExists(name=values['name'])
        return as_dict(row)


def keypair_get(user_id, name):
    with reader() as session:
        row = session.scalars(sa.select(models.KeyPair).filter_by(
            user_id=user_id, name=name)).first()
        if row is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        return as_dict(row)


def keypair_get_all(user_id, limit=None, marker=None):
    with reader() as session:
        query = sa.select(models.KeyPair).filter_by(user_id=user_id).order_by(
            models.KeyPair.name)
        if marker is not None:
            query = query.where(models.KeyPair.name > marker)
        if limit is not None:
            query = query.limit(limit)
        return [as_dict(r) for r in session.scalars(query)]


def keypair_count(user_id):
    with reader() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(models.KeyPair)
                              .filter_by(user_id=user_id))


def keypair_destroy(user_id, name):
    with writer() as session:
        result = session.execute(sa.delete(models.KeyPair).filter_by(user_id=user_id, name=name))
        if not result.rowcount:
            raise exception.KeypairNotFound(user_id=user_id, name=name)


# -- instances -----------------------------------------------------------------

def instance_create(values):
    now = _now()
    values = _in_values(values)
    values.setdefault('created_at', now)
    values['updated_at'] = now
    with writer() as session:
        row = models.Instance(**values)
        session.add(row)
        session.flush()
        return as_dict(row)


def instance_get(uuid, read_deleted=False):
    with reader() as session:
        query = sa.select(models.Instance).filter_by(uuid=uuid)
        if not read_deleted:
            query = query.filter_by(deleted=False)
        row = session.scalars(query).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        return as_dict(row)


#: Filters matched by equality on a column.
_EXACT_FILTERS = ('project_id', 'user_id', 'host', 'node', 'vm_state', 'task_state',
                  'image_ref', 'availability_zone', 'reservation_id', 'uuid',
                  'server_group_uuid', 'locked')


def _raw_json_columns(table, names):
    """``names`` of ``table``, JSON columns read as their stored text."""
    columns = []
    for name in names:
        column = table.c[name]
        if isinstance(column.type, sa.JSON):
            column = sa.type_coerce(column, sa.Text).label(name)
        columns.append(column)
    return columns


def _loaded(value):
    return json.loads(value) if isinstance(value, str) else value


def instance_get_all(filters=None, sort_keys=('created_at',), sort_dirs=('desc',),
                     limit=None, marker=None, columns=None):
    """Instances matching ``filters``.

    Exact filters take a value or a list; ``name`` is a regular expression,
    and so are ``ip`` / ``ip6`` (matched at the start of a fixed IP);
    ``patterns`` maps columns to regular expressions searched in the
    column's text (nova's regex filters: ``key_name``, ``created_at``,
    ``power_state``, ...; a NULL never matches);
    ``changes_since``/``changes_before`` compare updated_at; ``deleted``
    (default False) includes soft-deleted rows when True; ``flavor_id``,
    ``tags`` and ``tags_any`` are matched after the query.  With ``columns``
    only those are read and JSON columns come back as their stored text
    (listings pass it through instead of decoding and encoding it again).
    """
    filters = dict(filters or {})
    inst = models.Instance
    # Core rows, not ORM instances: listings of thousands of servers are
    # the hot path and need no identity map.
    query = sa.select(*_raw_json_columns(inst.__table__, columns)) if columns else \
        sa.select(inst.__table__)
    deleted = filters.pop('deleted', False)
    if deleted is not None:
        query = query.where(inst.deleted.is_(bool(deleted)))
    for key in _EXACT_FILTERS:
        if key in filters:
            value = filters.pop(key)
            column = getattr(inst, key)
            if isinstance(value, (list, tuple, set)):
                query = query.where(column.in_(list(value)))
            elif value is None:
                query = query.where(column.is_(None))
            else:
                query = query.where(column == value)
    if 'changes_since' in filters:
        query = query.where(inst.updated_at >= _as_time(filters.pop('changes_since')))
    if 'changes_before' in filters:
        query = query.where(inst.updated_at <= _as_time(filters.pop('changes_before')))
    order = []
    for key, direction in zip(sort_keys, sort_dirs):
        column = getattr(inst, 'display_name' if key == 'name' else key, None)
        if column is None or not hasattr(column, 'desc'):
            raise exception.Invalid(reason='Invalid sort key %s' % key)
        order.append(column.desc() if direction == 'desc' else column.asc())
    order.append(inst.id.desc())
    query = query.order_by(*order)
    with reader() as session:
        rows = [dict(r) for r in session.execute(query).mappings()]
    name_re = filters.pop('name', None)
    if name_re:
        pattern = _pattern(name_re)
        rows = [r for r in rows if r['display_name'] and pattern.search(r['display_name'])]
    for key, text in (filters.pop('patterns', None) or {}).items():
        if key not in inst.__table__.c or key in _JSON_TEXT_SKIP:
            raise exception.Invalid(reason='Invalid filter %s' % key)
        pattern = _pattern(text)
        rows = [r for r in rows if r.get(key) is not None
                and pattern.search(_column_text(r[key]))]
    ip_res = [_pattern(filters.pop(key)) for key in ('ip', 'ip6') if filters.get(key)]
    if ip_res:
        # As nova: a fixed IP whose text starts with a match of the pattern.
        rows = [r for r in rows if any(p.match(address) for p in ip_res
                                       for address in _fixed_ips(r['network_info']))]
    flavor_id = filters.pop('flavor_id', None)
    if flavor_id is not None:
        rows = [r for r in rows
                if (_loaded(r['flavor']) or {}).get('flavorid') == str(flavor_id)]
    tags = filters.pop('tags', None)
    if tags:
        rows = [r for r in rows if set(tags) <= set(_loaded(r['tags']) or [])]
    tags_any = filters.pop('tags_any', None)
    if tags_any:
        rows = [r for r in rows if set(tags_any) & set(_loaded(r['tags']) or [])]
    if marker is not None:
        uuids = [r['uuid'] for r in rows]
        if marker not in uuids:
            raise exception.Invalid(reason='marker [%s] not found' % marker)
        rows = rows[uuids.index(marker) + 1:]
    if limit is not None:
        rows = rows[:limit]
    return rows


#: JSON columns are not pattern-matched.
_JSON_TEXT_SKIP = ('flavor', 'old_flavor', 'new_flavor', 'metadata', 'system_metadata', 'tags',
                   'network_info', 'requested_networks', 'security_groups', 'scheduler_hints')


def _column_text(value):
    """A column's value as the database's text of it: a time as
    ``YYYY-MM-DD HH:MM:SS``, a boolean as 1/0, anything else as str()."""
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%d %H:%M:%S')
    if isinstance(value, bool):
        return '1' if value else '0'
    return str(value)


def _pattern(text):
    """A user's filter as a regular expression; text that is none, literally."""
    try:
        return re.compile(text)
    except re.error:
        return re.compile(re.escape(text))


def _fixed_ips(network_info):
    for vif in _loaded(network_info) or []:
        for ip in vif.get('fixed_ips') or []:
            yield ip['ip_address']


def instance_update(uuid, values, expected_task_state=None, expected_vm_state=None):
    """Update an instance; with ``expected_*`` the update only happens when
    the current state is one of them (atomic compare-and-swap)."""
    with writer() as session:
        return _instance_swap(session, uuid, values, expected_task_state, expected_vm_state)


def instance_claim_and_place(uuid, host, values, vcpus, memory_mb, disk_gb,
                             expected_task_state, expected_vm_state):
    """Take the resources on ``host`` and write the server's placement
    (``values``: host, node, task_state...) in ONE transaction: both or
    neither.  The server's row is then the claim's record: a caller whose
    commit went unanswered (the database went away) reads the server back
    to learn whether it holds the claim, instead of guessing.

    Returns the server's dict, or None when the resources do not fit
    (nothing written); InstanceNotFound / InstanceInvalidState when the
    server is gone or moved on (nothing written either)."""
    with writer() as session:
        if not _claim(session, host, vcpus, memory_mb, disk_gb):
            return None
        # Raising here rolls the claim back with the rest.
        return _instance_swap(session, uuid, values, expected_task_state, expected_vm_state)


def instance_update_and_release(uuid, values, host, vcpus, memory_mb, disk_gb,
                                expected_task_state=None, expected_vm_state=None):
    """Write the server's ``values`` (it leaves ``host``: rescheduled, or
    sent to ERROR) and give back its resources on ``host`` in ONE
    transaction: both or neither, the mirror of
    :func:`instance_claim_and_place`.  A database that goes away between
    a separate state move and release would leave a claim no server
    accounts for (or a server whose claim went back twice when retried).

    Returns the server's dict; InstanceNotFound / InstanceInvalidState when
    it is gone or moved on (nothing written, nothing given back: whoever
    moved it on gives the claim back)."""
    with writer() as session:
        row = _instance_swap(session, uuid, values, expected_task_state, expected_vm_state)
        _release(session, host, vcpus, memory_mb, disk_gb)
        return row


def _instance_swap(session, uuid, values, expected_task_state, expected_vm_state):
    inst = models.Instance
    values = _in_values(values)
    values['updated_at'] = _now()
    query = sa.update(inst).where(inst.uuid == uuid, inst.deleted.is_(False))
    if expected_task_state is not None:
        expected = list(expected_task_state)
        conds = [inst.task_state.in_([s for s in expected if s is not None])]
        if None in expected:
            conds.append(inst.task_state.is_(None))
        query = query.where(sa.or_(*conds))
    if expected_vm_state is not None:
        query = query.where(inst.vm_state.in_(list(expected_vm_state)))
    result = session.execute(query.values(**values))
    if result.rowcount != 1:
        row = session.scalars(sa.select(inst).filter_by(uuid=uuid, deleted=False)).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        raise exception.InstanceInvalidState(
            action='update', instance_uuid=uuid,
            attr='task_state' if expected_task_state is not None else 'vm_state',
            state=row.task_state if expected_task_state is not None else row.vm_state)
    row = session.scalars(sa.select(inst).filter_by(uuid=uuid)).first()
    return as_dict(row)


def instance_destroy(uuid):
    now = _now()
    with writer() as session:
        result = session.execute(sa.update(models.Instance).where(
            models.Instance.uuid == uuid, models.Instance.deleted.is_(False)).values(
            deleted=True, deleted_at=now, terminated_at=now, updated_at=now,
            vm_state='deleted', task_state=None))
        if result.rowcount != 1:
            raise exception.InstanceNotFound(instance_id=uuid)


def instance_usage(project_id, user_id=None):
    inst = models.Instance
    with reader() as session:
        query = sa.select(sa.func.count(inst.id), sa.func.coalesce(sa.func.sum(inst.vcpus), 0),
                          sa.func.coalesce(sa.func.sum(inst.memory_mb), 0)).where(
            inst.project_id == project_id, inst.deleted.is_(False))
        if user_id:
            query = query.where(inst.user_id == user_id)
        count, cores, ram = session.execute(query).one()
        return {'instances': int(count), 'cores': int(cores), 'ram': int(ram)}


_USAGE_TIME = '%Y-%m-%dT%H:%M:%S.%f'


def instance_usage_window(begin, end, project_id=None, limit=None, marker=None):
    """Servers that ran during ``[begin, end)``, deleted ones included (a
    deleted row keeps its launched_at and terminated_at), ordered by project
    and uuid; ``marker`` is the uuid of the last server of the previous
    page.  Only what os-simple-tenant-usage shows, times as ISO strings."""
    inst = models.Instance
    query = sa.select(inst.uuid, inst.display_name, inst.project_id, inst.vm_state,
                      inst.flavor, inst.launched_at, inst.terminated_at).where(
        sa.or_(inst.terminated_at.is_(None), inst.terminated_at > _as_time(begin)),
        inst.launched_at < _as_time(end))
    if project_id is not None:
        query = query.where(inst.project_id == project_id)
    with reader() as session:
        if marker is not None:
            last = session.execute(sa.select(inst.project_id).where(
                inst.uuid == marker)).first()
            if last is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(sa.or_(
                inst.project_id > last.project_id,
                sa.and_(inst.project_id == last.project_id, inst.uuid > marker)))
        query = query.order_by(inst.project_id, inst.uuid)
        if limit is not None:
            query = query.limit(limit)
        rows = session.execute(query).all()
    usages = []
    for row in rows:
        flavor = _loaded(row.flavor) or {}
        usages.append({
            'instance_id': row.uuid, 'name': row.display_name, 'tenant_id': row.project_id,
            'vm_state': row.vm_state, 'flavor': flavor.get('name') or '',
            'memory_mb': flavor.get('memory_mb') or 0, 'vcpus': flavor.get('vcpus') or 0,
            'local_gb': (flavor.get('root_gb') or 0) + (flavor.get('ephemeral_gb') or 0),
            'launched_at': row.launched_at.strftime(_USAGE_TIME),
            'terminated_at': (row.terminated_at.strftime(_USAGE_TIME)
                              if row.terminated_at else None)})
    return usages


# -- faults, actions ----------------------------------------------------------

def fault_create(values):
    with writer() as session:
        row = models.InstanceFault(created_at=_now(), **values)
        session.add(row)
        session.flush()
        return as_dict(row)


def fault_get_latest(instance_uuids):
    if not instance_uuids:
        return {}
    with reader() as session:
        rows = session.scalars(sa.select(models.InstanceFault).where(
            models.InstanceFault.instance_uuid.in_(list(instance_uuids))).order_by(
            models.InstanceFault.id))
        return {r.instance_uuid: as_dict(r) for r in rows}


def action_start(values):
    with writer() as session:
        row = models.InstanceAction(start_time=_now(), updated_at=_now(), **values)
        session.add(row)
        session.flush()
        return as_dict(row)


def _action_row(session, instance_uuid, request_id):
    return session.scalars(sa.select(models.InstanceAction).filter_by(
        instance_uuid=instance_uuid, request_id=request_id).order_by(
        models.InstanceAction.id.desc())).first()


def action_event_start(instance_uuid, request_id, event, host):
    with writer() as session:
        action = _action_row(session, instance_uuid, request_id)
        if action is None:
            return None
        row = models.InstanceActionEvent(action_id=action.id, event=event, host=host,
                                         start_time=_now())
        session.add(row)
        action.updated_at = _now()
        session.flush()
        return as_dict(row)


def action_event_finish(instance_uuid, request_id, event, result, traceback=None):
    with writer() as session:
        action = _action_row(session, instance_uuid, request_id)
        if action is None:
            return None
        row = session.scalars(sa.select(models.InstanceActionEvent).filter_by(
            action_id=action.id, event=event).order_by(
            models.InstanceActionEvent.id.desc())).first()
        if row is None:
            row = models.InstanceActionEvent(action_id=action.id, event=event,
                                             start_time=_now())
            session.add(row)
        row.finish_time = _now()
        row.result = result
        row.traceback = traceback
        action.updated_at = _now()
        if result == 'Error':
            action.message = 'Error'
        action.finish_time = _now()
        session.flush()
        return as_dict(row)


def action_get_all(instance_uuid):
    with reader() as session:
        rows = session.scalars(sa.select(models.InstanceAction).filter_by(
            instance_uuid=instance_uuid).order_by(models.InstanceAction.id.desc()))
        return [as_dict(r) for r in rows]


def action_get(instance_uuid, request_id):
    with reader() as session:
        row = _action_row(session, instance_uuid, request_id)
        if row is None:
            raise exception.InstanceActionNotFound(request_id=request_id,
                                                   instance_uuid=instance_uuid)
        values = as_dict(row)
        values['events'] = [as_dict(e) for e in session.scalars(
            sa.select(models.InstanceActionEvent).filter_by(action_id=row.id).order_by(
                models.InstanceActionEvent.id))]
        return values


# -- server groups, aggregates, quotas ----------------------------------------

def _members(session, group_uuid):
    return list(session.scalars(sa.select(models.Instance.uuid).filter_by(
        server_group_uuid=group_uuid, deleted=False)))


def server_group_create(values):
    with writer() as session:
        row = models.ServerGroup(created_at=_now(), **values)
        session.add(row)
        session.flush()
        return dict(as_dict(row), members=[])


def server_group_get(uuid):
    with reader() as session:
        row = session.scalars(sa.select(models.ServerGroup).filter_by(uuid=uuid)).first()
        if row is None:
            raise exception.ServerGroupNotFound(group_id=uuid)
        return dict(as_dict(row), members=_members(session, uuid))


def server_group_get_all(project_id=None, limit=None, offset=None):
    with reader() as session:
        query = sa.select(models.ServerGroup).order_by(models.ServerGroup.id)
        if project_id:
            query = query.filter_by(project_id=project_id)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [dict(as_dict(r), members=_members(session, r.uuid))
                for r in session.scalars(query)]


def server_group_destroy(uuid):
    with writer() as session:
        result = session.execute(sa.delete(models.ServerGroup).filter_by(uuid=uuid))
        if not result.rowcount:
            raise exception.ServerGroupNotFound(group_id=uuid)


def server_group_count(project_id):
    with reader() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(models.ServerGroup)
                              .filter_by(project_id=project_id))


def _aggregate_row(session, aggregate_id):
    column = (models.Aggregate.uuid if uuidutils.is_uuid_like(aggregate_id)
              else models.Aggregate.id)
    if column is models.Aggregate.id and _integer_id(aggregate_id) is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    row = session.scalars(sa.select(models.Aggregate).where(column == aggregate_id)).first()
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return row


def aggregate_create(values):
    values = _in_values(values)
    with writer() as session:
        if session.scalars(sa.select(models.Aggregate).filter_by(name=values['name'])).first():
            raise exception.AggregateNameExists(name=values['name'])
        row = models.Aggregate(uuid=uuidutils.generate_uuid(), created_at=_now(), **values)
        session.add(row)
        session.flush()
        return as_dict(row)


def aggregate_get(aggregate_id):
    with reader() as session:
        return as_dict(_aggregate_row(session, aggregate_id))


def aggregate_get_all():
    with reader() as session:
        return [as_dict(r) for r in session.scalars(
            sa.select(models.Aggregate).order_by(models.Aggregate.id))]


def aggregate_update(aggregate_id, values):
    values = _in_values(values)
    with writer() as session:
        row = _aggregate_row(session, aggregate_id)
        if 'name' in values and values['name'] != row.name and session.scalars(
                sa.select(models.Aggregate).filter_by(name=values['name'])).first():
            raise exception.AggregateNameExists(name=values['name'])
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = _now()
        session.flush()
        return as_dict(row)


def aggregate_destroy(aggregate_id):
    with writer() as session:
        row = _aggregate_row(session, aggregate_id)
        if row.hosts:
            raise exception.AggregateNotEmpty(aggregate_id=aggregate_id)
        session.delete(row)


def _limits_get(model, **owner):
    with reader() as session:
        return {r.resource: r.hard_limit for r in session.scalars(
            sa.select(model).filter_by(**owner))}


def _limits_set(model, limits, **owner):
    with writer() as session:
        for resource, hard_limit in limits.items():
            row = session.scalars(sa.select(model).filter_by(resource=resource,
                                                             **owner)).first()
            if row is None:
                session.add(model(resource=resource, hard_limit=hard_limit, **owner))
            else:
                row.hard_limit = hard_limit


def quota_get_all(project_id):
    return _limits_get(models.Quota, project_id=project_id)


def quota_set(project_id, limits):
    _limits_set(models.Quota, limits, project_id=project_id)


def quota_class_get_all(class_name):
    return _limits_get(models.QuotaClass, class_name=class_name)


def quota_class_set(class_name, limits):
    _limits_set(models.QuotaClass, limits, class_name=class_name)


def quota_destroy_all(project_id):
    with writer() as session:
        session.execute(sa.delete(models.Quota).filter_by(project_id=project_id))


# -- placement (the conductor's placement view of the compute nodes) ----------

def placement_node_update(node_uuid, generation, values):
    """Write a node's placement settings if its generation is still
    ``generation`` and bump it; None when the node is gone, False when its
    generation moved on."""
    node = models.ComputeNode
    with writer() as session:
        result = session.execute(
            sa.update(node).where(node.uuid == node_uuid, node.generation == generation)
            .values(generation=node.generation + 1, **values))
        if result.rowcount == 1:
            return True
        exists = session.scalars(sa.select(node.id).where(node.uuid == node_uuid)).first()
        return False if exists is not None else None


def placement_names_get_all(kind):
    """Names of custom ``resource_classes`` or ``traits``."""
    table = _PLACEMENT_NAMES[kind]
    with reader() as session:
        return [r.name for r in session.scalars(sa.select(table).order_by(table.name))]


def placement_name_create(kind, name):
    """False when it already exists."""
    table = _PLACEMENT_NAMES[kind]
    try:
        with writer() as session:
            session.add(table(name=name, created_at=_now()))
            session.flush()
        return True
    except db_exc.DBDuplicateEntry:
        return False


def placement_name_delete(kind, name):
    """False when there was none."""
    table = _PLACEMENT_NAMES[kind]
    with writer() as session:
        return session.execute(sa.delete(table).where(table.name == name)).rowcount > 0


def placement_trait_in_use(name):
    table = models.PlacementProviderTrait
    with reader() as session:
        return session.scalars(sa.select(table.id).where(table.trait == name)).first() \
            is not None


def placement_provider_traits_get_all(node_uuid=None):
    """``{node_uuid: [trait, ...]}``."""
    table = models.PlacementProviderTrait
    with reader() as session:
        query = sa.select(table).order_by(table.trait)
        if node_uuid:
            query = query.where(table.node_uuid == node_uuid)
        out = {}
        for row in session.scalars(query):
            out.setdefault(row.node_uuid, []).append(row.trait)
        return out


def placement_provider_traits_set(node_uuid, generation, traits):
    """Replace a node's traits (and bump its generation) if its generation
    is still ``generation``; as :func:`placement_node_update`."""
    node = models.ComputeNode
    table = models.PlacementProviderTrait
    with writer() as session:
        result = session.execute(
            sa.update(node).where(node.uuid == node_uuid, node.generation == generation)
            .values(generation=node.generation + 1))
        if result.rowcount != 1:
            exists = session.scalars(sa.select(node.id).where(node.uuid == node_uuid)).first()
            return False if exists is not None else None
        session.execute(sa.delete(table).where(table.node_uuid == node_uuid))
        for trait in sorted(set(traits)):
            session.add(table(node_uuid=node_uuid, trait=trait))
        return True


def placement_consumers(instance_uuid=None, project_id=None, user_id=None):
    """Live servers holding a claim: uuid, host, owner, flavors, the system
    metadata that names a resize's source and destination, and the image
    (none: volume-backed)."""
    inst = models.Instance
    with reader() as session:
        query = sa.select(inst.uuid, inst.host, inst.project_id, inst.user_id, inst.flavor,
                          inst.old_flavor, inst.new_flavor, inst.system_metadata,
                          inst.image_ref).where(
            inst.deleted == sa.false(), inst.host.isnot(None))
        if instance_uuid:
            query = query.where(inst.uuid == instance_uuid)
        if project_id:
            query = query.where(inst.project_id == project_id)
        if user_id:
            query = query.where(inst.user_id == user_id)
        rows = session.execute(query.order_by(inst.id)).all()
        out = []
        for row in rows:
            values = dict(row._mapping)
            for key in ('flavor', 'old_flavor', 'new_flavor', 'system_metadata'):
                values[key] = _loaded(values[key])
            out.append(values)
        return out


_PLACEMENT_NAMES = {'resource_classes': models.PlacementResourceClass,
                    'traits': models.PlacementTrait}


# -- block device mappings (their own module; here so ``base.db()`` has them) --
from services.compute.db.block_devices import (  # noqa: E402,F401
    bdm_create, bdm_destroy, bdm_get_all, bdm_get_by_volume, bdm_get_by_volume_id,
    bdm_reserve, bdm_update)
from services.compute.db.console_tokens import (  # noqa: E402,F401
    console_token_create, console_token_get_valid, console_tokens_delete_for_instance)
from services.compute.db.server_migrations import (  # noqa: E402,F401
    migration_create, migration_get_all, migration_update_latest)
from services.compute.db.task_log import (  # noqa: E402,F401
    instance_audit_rows, task_log_begin, task_log_end, task_log_get_all)
