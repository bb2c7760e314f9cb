"""os-migrations (admin): the resizes, cold migrations and evacuations the
conductor and the computes recorded; and a server's in-progress live
migrations (2.23+; there is no live migration here, so always none)."""

from services.compute import exception
from services.compute.api import policies
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


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def view(req, migration):
    body = {key: getattr(migration, key) for key in _FIELDS}
    body['created_at'] = _time(migration.created_at)
    body['updated_at'] = _time(migration.updated_at)
    if req.at_least(23):
        # Links are for in-progress live migrations only, which never exist here.
        body['migration_type'] = migration.migration_type
    return body


def index(req):
    policies.authorize(req.context, 'os-migrations:index')
    filters = {key: req.params[key] for key in _FILTERS if req.params.get(key)}
    migrations = migration_obj.MigrationList.get_filtered(req.context, filters)
    return {'migrations': [view(req, m) for m in migrations]}


def server_index(req, server_id):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'servers:migrations:index', servers.target(instance))
    return {'migrations': []}


def server_show(req, server_id, migration_id):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'servers:migrations:show', servers.target(instance))
    raise exception.NotFound('In-progress live migration %s is not found for server %s.'
                             % (migration_id, instance.uuid))
