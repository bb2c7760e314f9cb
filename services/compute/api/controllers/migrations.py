"""os-migrations (admin): the resizes, cold migrations and evacuations the
conductor and the computes recorded; and a server's in-progress live
migrations (2.23+; there is no live migration here, so always none).

From 2.59 the list is paged (``limit``, ``marker`` a migration uuid,
``changes-since``; ``changes-before`` from 2.66), newest first, and each
record has its ``uuid``; from 2.80 its ``user_id`` / ``project_id``, which
also filter the list."""


from services.compute import exception
from services.compute.api import policies
from services.compute.api.controllers import common
from services.compute.api.controllers import servers
from services.compute.objects import migration as migration_obj

_FILTERS = ('host', 'status', 'instance_uuid', 'migration_type', 'source_compute')
_FIELDS = ('id', 'status', 'instance_uuid', 'source_node', 'source_compute', 'dest_node',
           'dest_compute', 'dest_host', 'old_instance_type_id', 'new_instance_type_id')


def register(r):
    r.add('GET', '/os-migrations', index)
    r.add('GET', '/servers/{server_id}/migrations', server_index, min_version=(2, 23))
    r.add('GET', '/servers/{server_id}/migrations/{migration_id}', server_show,
          min_version=(2, 23))
    r.add('DELETE', '/servers/{server_id}/migrations/{migration_id}', server_abort,
          min_version=(2, 24))
    r.add('POST', '/servers/{server_id}/migrations/{migration_id}/action', server_complete,
          min_version=(2, 22))


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def view(req, migration):
    body = {key: getattr(migration, key) for key in _FIELDS}
    body['created_at'] = _time(migration.created_at)
    body['updated_at'] = _time(migration.updated_at)
    if req.at_least(23):
        # Links are for in-progress live migrations only, which never exist here.
        body['migration_type'] = migration.migration_type
    if req.at_least(59):
        body['uuid'] = migration.uuid
    if req.at_least(80):
        body['user_id'] = migration.user_id
        body['project_id'] = migration.project_id
    return body


def _naive(value):
    return value.replace(tzinfo=None) if value else None


def _page(req, migrations):
    limit, marker = common.limit_and_marker(req)
    since = common.query_time(req, 'changes-since')
    before = common.query_time(req, 'changes-before') if req.at_least(66) else None
    if since and before and since > before:
        raise exception.Invalid(reason='The value of changes-since must be less than '
                                       'or equal to changes-before.')
    items = sorted(migrations, key=lambda m: (_time(m.created_at) or '', m.id), reverse=True)
    items = [m for m in items
             if (not since or _naive(m.updated_at or m.created_at) >= since) and
             (not before or _naive(m.updated_at or m.created_at) <= before)]
    if marker:
        uuids = [m.uuid for m in items]
        if marker not in uuids:
            raise exception.Invalid(reason='Marker %s could not be found.' % marker)
        items = items[uuids.index(marker) + 1:]
    return items[:limit], limit


def index(req):
    policies.authorize(req.context, 'os-migrations:index')
    names = _FILTERS + (('user_id', 'project_id') if req.at_least(80) else ())
    filters = {key: req.params[key] for key in names if req.params.get(key)}
    migrations = list(migration_obj.MigrationList.get_filtered(req.context, filters))
    if not req.at_least(59):
        return {'migrations': [view(req, m) for m in migrations]}
    page, limit = _page(req, migrations)
    body = {'migrations': [view(req, m) for m in page]}
    links = common.next_link(req, 'os-migrations', body['migrations'], limit,
                             marker_key='uuid')
    if links:
        body['migrations_links'] = links
    return body


def server_index(req, server_id):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'servers:migrations:index', servers.target(instance))
    return {'migrations': []}


def server_show(req, server_id, migration_id):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'servers:migrations:show', servers.target(instance))
    raise exception.NotFound('In-progress live migration %s is not found for server %s.'
                             % (migration_id, instance.uuid))


def _no_live_migration(instance, migration_id):
    raise exception.NotFound('Migration %s not found for instance %s.'
                             % (migration_id, instance.uuid))


def server_abort(req, server_id, migration_id):
    """Abort a live migration (2.24; queued ones from 2.65): there is none
    to abort here, so nova's 404 for a migration the server does not have."""
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'servers:migrations:delete', servers.target(instance))
    _no_live_migration(instance, migration_id)


def server_complete(req, server_id, migration_id):
    """Force a live migration to complete (2.22): the same 404."""
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'servers:migrations:force_complete',
                       servers.target(instance))
    _no_live_migration(instance, migration_id)
