"""/servers: create, list, detail, show, update, delete."""

import base64
import binascii
import re
import secrets

from oslo_config import cfg
from oslo_utils import timeutils
from oslo_utils import uuidutils

from common import servicegroup
from services.compute import clients
from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.schemas import servers as schemas
from services.compute.api.views import servers as views
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.conductor.tasks import build as build_task
from services.compute.objects import flavor as flavor_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj
from services.compute.objects import keypair as keypair_obj
from services.compute.objects import quota as quota_obj
from services.compute.objects import server_group as group_obj
from services.compute.objects import service as service_obj

CONF = cfg.CONF

_ADMIN_FILTERS = ('host', 'node', 'all_tenants', 'project_id', 'tenant_id', 'user_id',
                  'deleted', 'availability_zone')


def register(r):
    r.add('POST', '/servers', create)
    r.add('GET', '/servers', index)
    r.add('GET', '/servers/detail', detail)
    r.add('GET', '/servers/{server_id}', show)
    r.add('PUT', '/servers/{server_id}', update)
    r.add('DELETE', '/servers/{server_id}', delete)


# -- lookups shared with the other server controllers -----------------------

def get_instance(req, server_id, with_fault=False):
    if not uuidutils.is_uuid_like(server_id):
        raise exception.InstanceNotFound(instance_id=server_id)
    instance = inst_obj.Instance.get_by_uuid(req.context, server_id, with_fault=with_fault)
    if not req.context.is_admin and instance.project_id != req.context.project_id:
        raise exception.InstanceNotFound(instance_id=server_id)
    return instance


def target(instance):
    return {'project_id': instance.project_id, 'user_id': instance.user_id}


def compute_services(context):
    return {s.host: s for s in service_obj.ServiceList.get_all(context, binary='alto-compute')}


def host_is_up(services, host):
    svc = services.get(host)
    return svc is not None and servicegroup.is_up(
        svc.last_seen_at, CONF.service.service_down_time, svc.forced_down)


def host_status(services, instance):
    if not instance.host:
        return ''
    svc = services.get(instance.host)
    if svc is None:
        return 'UNKNOWN'
    if not host_is_up(services, instance.host):
        return 'DOWN'
    return 'MAINTENANCE' if svc.disabled else 'UP'


def _permissions(req, instance):
    """(extended attributes, host status) visibility; both are admin-only
    rules, so one check serves a whole listing."""
    rule_target = target(instance)
    extended = policies.authorize(req.context, 'os-extended-server-attributes', rule_target,
                                  do_raise=False)
    status = req.at_least(16) and policies.authorize(
        req.context, 'servers:show:host_status', rule_target, do_raise=False)
    return extended, status


def render(req, instance, services=None, permissions=None):
    extended, show_status = permissions or _permissions(req, instance)
    status = None
    if show_status:
        status = host_status(services if services is not None
                             else compute_services(req.context), instance)
    return views.detail(req, instance, extended, status)


# -- create ------------------------------------------------------------------

def _flavor(req, flavor_ref):
    flavor_id = str(flavor_ref).rstrip('/').rsplit('/', 1)[-1]
    try:
        flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    except exception.FlavorNotFound:
        raise exception.Invalid(reason='Invalid flavorRef provided.')
    if not flavor.is_public and not req.context.is_admin and \
            req.context.project_id not in flavor.projects:
        raise exception.Invalid(reason='Invalid flavorRef provided.')
    if flavor.disabled:
        raise exception.Invalid(reason='Flavor is disabled.')
    return flavor


def image_visible_to(req, image_ref):
    """The active image ``image_ref`` names, looked up with the caller's own
    rights (an image they may not see is a 400, as an unknown one)."""
    image_id = image_ref.rstrip('/').rsplit('/', 1)[-1]
    if not uuidutils.is_uuid_like(image_id):
        raise exception.Invalid(reason='Invalid imageRef provided.')
    try:
        image = clients.image_client().get(req.context, image_id)
    except exception.ImageNotFound:
        raise exception.Invalid(reason='Image %s could not be found.' % image_id)
    if image.get('status', 'active') != 'active':
        raise exception.Invalid(reason='Image %s is not active.' % image_id)
    return image


def _image(req, image_ref, flavor):
    image = image_visible_to(req, image_ref)
    if flavor.root_gb and image.get('min_disk', 0) > flavor.root_gb:
        raise exception.Invalid(reason="Flavor's disk is too small for requested image. "
                                       "Flavor disk is %dG, minimum requested disk is %dG."
                                       % (flavor.root_gb, image['min_disk']))
    if image.get('min_ram', 0) > flavor.memory_mb:
        raise exception.Invalid(reason="Flavor's memory is too small for requested image.")
    return {'id': image['id'], 'name': image.get('name'),
            'min_disk': image.get('min_disk', 0), 'min_ram': image.get('min_ram', 0),
            'properties': image.get('properties') or {}}


def _boot_image_from_bdm(server):
    for bdm in server.get('block_device_mapping_v2') or []:
        if str(bdm.get('boot_index')) == '0':
            if bdm.get('source_type') != 'image' or bdm.get('destination_type') == 'volume':
                raise exception.Invalid(reason='Booting from volumes needs the volume '
                                               'service, which this cloud does not have yet.')
            return bdm.get('uuid')
    return None


def _networks(req, requested):
    """Validated requested networks as a list of {uuid, port, fixed_ip}."""
    net_client = clients.network_client()
    if requested == 'none':
        return []
    if requested in (None, 'auto'):
        candidates = net_client.list_networks(req.context)
        own = [n for n in candidates if n.get('project_id') == req.context.project_id]
        pool = own or candidates
        if not pool:
            if requested is None:
                return []
            raise exception.Invalid(reason='Unable to automatically allocate a network '
                                           'for project %s' % req.context.project_id)
        if len(pool) > 1:
            raise exception.Conflict(reason='Multiple possible networks found, use a '
                                            'Network ID to be more specific.')
        return [{'uuid': pool[0]['id']}]
    result = []
    for item in requested:
        if item.get('port'):
            port = net_client.get_port(req.context, item['port'])
            if port.get('device_id'):
                raise exception.PortInUse(port_id=item['port'])
            result.append({'port': item['port'], 'uuid': port['network_id']})
        elif item.get('uuid'):
            net_client.get_network(req.context, item['uuid'])
            result.append({'uuid': item['uuid'], 'fixed_ip': item.get('fixed_ip')})
        else:
            raise exception.Invalid(reason='Bad networks format: network uuid is not in '
                                           'proper format')
    return result


def _hostname(name, index, count):
    base = re.sub(r'[^a-z0-9-]+', '-', name.lower()).strip('-')[:63] or 'server'
    return base if count == 1 else '%s-%d' % (base[:59], index + 1)


def _count(value, name):
    return common.int_in_range(value, name, 1)


def _check_quota(req, flavor, min_count, max_count):
    """Largest count in [min_count, max_count] the project's quota allows."""
    for count in sorted({max_count, min_count}, reverse=True):
        try:
            quota_obj.Quotas.check_deltas(req.context, req.context.project_id, {
                'instances': count, 'cores': count * flavor.vcpus,
                'ram': count * flavor.memory_mb})
            return count
        except exception.QuotaExceeded:
            if count == min_count:
                raise
    return min_count


def _scheduler_hints(req, body):
    hints = body.get('os:scheduler_hints') or body.get('OS-SCH-HNT:scheduler_hints') or {}
    group = None
    if hints.get('group'):
        group_id = hints['group'][0] if isinstance(hints['group'], list) else hints['group']
        group = server_group_visible_to(req, group_id)
    return hints, group


def server_group_visible_to(req, group_id):
    """The server group ``group_id`` if the caller's project owns it (any
    group for an admin); a 400 otherwise, the same as for an unknown one."""
    try:
        group = group_obj.ServerGroup.get_by_uuid(req.context, group_id)
    except exception.ServerGroupNotFound:
        group = None
    if group is None or (group.project_id != req.context.project_id and
                         not policies.authorize(req.context, 'servers:create:any_server_group',
                                                do_raise=False)):
        raise exception.Invalid(reason='Invalid server group %s' % group_id)
    return group


def _availability_zone(req, requested):
    if not requested:
        return None, None
    zone, _, host = requested.partition(':')
    if host:
        policies.authorize(req.context, 'servers:create:forced_host')
        if host not in compute_services(req.context):
            raise exception.Invalid(reason='Compute host %s could not be found.' % host)
    return zone or None, host or None


def create(req):
    context = req.context
    policies.authorize(context, 'servers:create')
    body = common.validate(schemas.create, req.body)
    server = body['server']
    if req.at_least(37) and 'networks' not in server:
        raise exception.Invalid(reason="Invalid input for field/attribute server. Value: "
                                       "'networks' is a required property")
    if not req.at_least(37) and server.get('networks') in ('auto', 'none'):
        raise exception.Invalid(reason='networks auto/none needs microversion 2.37')
    if 'description' in server and not req.at_least(19):
        raise exception.Invalid(reason="Additional properties are not allowed "
                                       "('description' was unexpected)")
    if 'tags' in server and not req.at_least(52):
        raise exception.Invalid(reason="Additional properties are not allowed "
                                       "('tags' was unexpected)")
    flavor = _flavor(req, server['flavorRef'])
    image_ref = server.get('imageRef') or _boot_image_from_bdm(server)
    if not image_ref:
        raise exception.Invalid(reason='Missing imageRef attribute')
    image = _image(req, image_ref, flavor)
    min_count = _count(server.get('min_count', 1), 'min_count')
    max_count = _count(server.get('max_count', min_count), 'max_count')
    if min_count > max_count:
        raise exception.Invalid(reason='min_count must be <= max_count')
    key_name, key_data = server.get('key_name'), None
    if key_name:
        try:
            key_data = keypair_obj.KeyPair.get_by_name(context, context.user_id,
                                                       key_name).public_key
        except exception.KeypairNotFound:
            raise exception.Invalid(reason='Invalid key_name provided.')
    user_data = server.get('user_data')
    if user_data:
        try:
            base64.b64decode(user_data, validate=True)
        except (binascii.Error, ValueError):
            raise exception.Invalid(reason='User data needs to be valid base 64.')
    metadata = server.get('metadata') or {}
    if len(metadata) > CONF.quota.metadata_items >= 0:
        raise exception.QuotaExceeded(resources='metadata_items', req=len(metadata),
                                      used=0, allowed=CONF.quota.metadata_items)
    zone, forced_host = _availability_zone(req, server.get('availability_zone'))
    hints, group = _scheduler_hints(req, body)
    networks = _networks(req, server.get('networks'))
    count = _check_quota(req, flavor, min_count, max_count)
    if group is not None and CONF.quota.server_group_members >= 0 and \
            len(group.members) + count > CONF.quota.server_group_members:
        raise exception.QuotaExceeded(resources='server_group_members', req=count,
                                      used=len(group.members),
                                      allowed=CONF.quota.server_group_members)
    reservation_id = 'r-' + secrets.token_hex(4)
    security_groups = [{'name': g['name']} for g in server.get('security_groups') or []] \
        or [{'name': 'default'}]
    names = [g['name'] for g in security_groups]
    if networks and names != ['default']:
        # Unknown groups are the caller's mistake: 400 now, not ERROR later.
        clients.network_client().security_group_ids(req.context, req.context.project_id,
                                                    names)
    snapshot = flavor.snapshot()
    instances = []
    for index in range(count):
        name = server['name'] if count == 1 else '%s-%d' % (server['name'], index + 1)
        instance = inst_obj.Instance(
            context, uuid=uuidutils.generate_uuid(), project_id=context.project_id,
            user_id=context.user_id, display_name=name,
            display_description=server.get('description'),
            hostname=_hostname(server['name'], index, count),
            requested_availability_zone=zone, availability_zone=zone,
            vm_state=inst_obj.BUILDING, task_state='scheduling',
            power_state=inst_obj.NOSTATE, image_ref=image['id'], flavor=snapshot,
            vcpus=flavor.vcpus, memory_mb=flavor.memory_mb, root_gb=flavor.root_gb,
            key_name=key_name, key_data=key_data, user_data=user_data,
            metadata=metadata, system_metadata={}, tags=list(server.get('tags') or []),
            network_info=[], requested_networks=networks, security_groups=security_groups,
            access_ip_v4=server.get('accessIPv4'), access_ip_v6=server.get('accessIPv6'),
            locked=False, config_drive='True' if server.get('config_drive') in (
                True, 'true', 'True') else '',
            progress=0, reservation_id=reservation_id, launch_index=index,
            server_group_uuid=group.uuid if group else None, scheduler_hints=hints,
            created_at=timeutils.utcnow())
        instance.create()
        action_obj.InstanceAction.action_start(context, instance.uuid, 'create')
        instances.append(instance)
    spec = {'flavor': snapshot, 'image': image, 'availability_zone': zone,
            'scheduler_hints': hints, 'project_id': context.project_id,
            'retry': {'num_attempts': 1, 'hosts': []}}
    if forced_host:
        spec['force_hosts'] = [forced_host]
    if group is not None:
        spec['group'] = _group_spec(req, group)
    conductor_rpcapi.ConductorAPI().build_instances(context, [i.uuid for i in instances], spec)
    if common.bool_param(server.get('return_reservation_id', False), 'return_reservation_id'):
        return router.Response({'reservation_id': reservation_id}, 202)
    first = instances[0]
    result = {'id': first.uuid, 'links': common.link(req, 'servers', first.uuid),
              'OS-DCF:diskConfig': 'MANUAL', 'security_groups': security_groups,
              'adminPass': server.get('adminPass') or secrets.token_urlsafe(9)}
    return router.Response({'server': result}, 202,
                           {'Location': '%s/v2.1/servers/%s' % (req.host_url, first.uuid)})


def _group_spec(req, group):
    return {'uuid': group.uuid, 'policy': group.policy, 'rules': group.rules or {},
            'hosts': _group_hosts(req, group)}


def group_spec(req, group_uuid):
    """A server's group for a new placement (unshelve); None when it is gone."""
    try:
        return _group_spec(req, group_obj.ServerGroup.get_by_uuid(req.context, group_uuid))
    except exception.ServerGroupNotFound:
        return None


def _group_hosts(req, group):
    if not group.members:
        return []
    members = inst_obj.InstanceList.get_by_filters(req.context.elevated(),
                                                   {'uuid': list(group.members)})
    return [m.host for m in members if m.host]


# -- list and show -----------------------------------------------------------

def _filters(req):
    context = req.context
    params = req.params
    is_admin = policies.authorize(context, 'servers:index:get_all_tenants', do_raise=False)
    all_filters = policies.authorize(context, 'servers:allow_all_filters', do_raise=False)
    filters = {}
    all_tenants = params.get('all_tenants')
    if all_tenants is not None and all_tenants != '' and \
            not common.bool_param(all_tenants, 'all_tenants'):
        all_tenants = None
    if all_tenants is not None and not is_admin:
        raise exception.base.PolicyNotAuthorized(
            action='os_compute_api:servers:index:get_all_tenants')
    project = params.get('project_id') or params.get('tenant_id')
    if all_tenants is None or not is_admin:
        filters['project_id'] = project if (is_admin and project) else context.project_id
    elif project:
        filters['project_id'] = project
    if all_filters:
        for key in ('host', 'node', 'user_id', 'availability_zone'):
            if params.get(key):
                filters[key] = params[key]
        if params.get('deleted') and common.bool_param(params['deleted'], 'deleted'):
            filters['deleted'] = True
    if params.get('name'):
        filters['name'] = params['name']
    if params.get('reservation_id'):
        filters['reservation_id'] = params['reservation_id']
    status = params.getall('status') if hasattr(params, 'getall') else [params.get('status')]
    status = [s.upper() for s in status if s]
    if status:
        states = set()
        for value in status:
            if value not in views.STATUS_TO_VM_STATE:
                return None
            states.update(views.STATUS_TO_VM_STATE[value])
        filters['vm_state'] = sorted(states)
        if 'DELETED' in status and all_filters:
            filters['deleted'] = True
    if params.get('image'):
        filters['image_ref'] = params['image'].rstrip('/').rsplit('/', 1)[-1]
    if params.get('flavor'):
        filters['flavor_id'] = params['flavor'].rstrip('/').rsplit('/', 1)[-1]
    since = params.get('changes-since') or params.get('changes_since')
    if since:
        try:
            filters['changes_since'] = timeutils.parse_isotime(since).isoformat()
        except ValueError:
            raise exception.Invalid(reason='Invalid changes-since value')
        filters['deleted'] = None
    if req.at_least(26):
        for key, name in (('tags', 'tags'), ('tags-any', 'tags_any')):
            if params.get(key):
                filters[name] = params[key].split(',')
    return filters


def _list(req, detailed):
    policies.authorize(req.context, 'servers:detail' if detailed else 'servers:index')
    limit, marker = common.limit_and_marker(req)
    filters = _filters(req)
    if filters is None:
        return {'servers': []}
    sort_keys = req.params.getall('sort_key') or ['created_at']
    sort_dirs = req.params.getall('sort_dir') or ['desc'] * len(sort_keys)
    if any(d not in ('asc', 'desc') for d in sort_dirs):
        raise exception.Invalid(reason='Invalid sort direction')
    sort_dirs = (sort_dirs + [sort_dirs[-1]] * len(sort_keys))[:len(sort_keys)]
    instances = inst_obj.decode_listing(inst_obj.InstanceList.get_listing(
        req.context, filters, sort_keys, sort_dirs, limit, marker, with_faults=detailed))
    if detailed:
        permissions = _permissions(req, instances[0]) if instances else None
        services = compute_services(req.context) if permissions and permissions[1] else {}
        items = [render(req, i, services, permissions) for i in instances]
    else:
        items = [views.basic(req, i) for i in instances]
    body = {'servers': items}
    links = common.next_link(req, 'servers' + ('/detail' if detailed else ''), items, limit)
    if links:
        body['servers_links'] = links
    return body


def index(req):
    return _list(req, False)


def detail(req):
    return _list(req, True)


def show(req, server_id):
    instance = get_instance(req, server_id, with_fault=True)
    policies.authorize(req.context, 'servers:show', target(instance))
    return {'server': render(req, instance)}


def update(req, server_id):
    body = common.validate(schemas.update, req.body)['server']
    instance = get_instance(req, server_id)
    policies.authorize(req.context, 'servers:update', target(instance))
    if 'description' in body and not req.at_least(19):
        raise exception.Invalid(reason="Additional properties are not allowed "
                                       "('description' was unexpected)")
    if 'name' in body:
        instance.display_name = body['name']
    if 'description' in body:
        instance.display_description = body['description']
    if 'accessIPv4' in body:
        instance.access_ip_v4 = body['accessIPv4'] or None
    if 'accessIPv6' in body:
        instance.access_ip_v6 = body['accessIPv6'] or None
    instance.save()
    instance = get_instance(req, server_id, with_fault=True)
    return {'server': render(req, instance)}


def check_not_locked(req, instance):
    if instance.locked and not req.context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance.uuid)


def _lock_role(req):
    return 'admin' if req.context.is_admin else 'owner'


def delete(req, server_id):
    instance = get_instance(req, server_id)
    policies.authorize(req.context, 'servers:delete', target(instance))
    check_not_locked(req, instance)
    delete_instance(req, instance)
    return router.Response(None, 204)


def delete_instance(req, instance):
    context = req.context
    action_obj.InstanceAction.action_start(context, instance.uuid, 'delete')
    instance, again = _start_deleting(context, instance)
    services = compute_services(context)
    on_host = instance.host and host_is_up(services, instance.host)
    if again and on_host:
        return  # its host is deleting it already
    if instance.vm_state in (inst_obj.SHELVED, inst_obj.SHELVED_OFFLOADED):
        _delete_shelved_image(context, instance)
    if on_host:
        compute_rpcapi.ComputeAPI().terminate_instance(context, instance.host, instance.uuid)
        return
    # Never scheduled, or its compute host is down (also when a terminate
    # sent earlier never ran): delete here.
    if instance.network_info:
        clients.network_client().deallocate_for_instance(context, instance)
    instance.destroy()
    # Resources claimed on a dead host are given back so the scheduler can
    # reuse them; after the row is gone, so a delete retried after a failure
    # above cannot give them back twice.
    if instance.host and instance.vm_state != inst_obj.ERROR:
        from services.compute.objects import compute_node as node_obj
        node_obj.ComputeNode.release(context, instance.host,
                                     *build_task.claim_args(instance.flavor))


def _start_deleting(context, instance, attempts=5):
    """Move the server to task_state ``deleting`` from the state it was
    read in: (the saved server, whether it was ``deleting`` already).

    The saved row, host included, is what the delete then acts on: once
    ``deleting``, no build, reschedule or claim changes the server's host
    (their saves expect their own task states), so the host that gets the
    terminate, or the claim given back here, is the one the server holds.
    """
    for _ in range(attempts):
        if instance.task_state == 'deleting':
            return instance, True
        expected = instance.task_state
        instance.task_state = 'deleting'
        try:
            instance.save(expected_task_state=[expected])
            return instance, False
        except exception.InstanceInvalidState:
            # A build or an action moved it on meanwhile: read it again.
            instance = inst_obj.Instance.get_by_uuid(context, instance.uuid)
    raise exception.Conflict(reason='Instance %s changed state while it was being deleted; '
                                    'try again.' % instance.uuid)


def _delete_shelved_image(context, instance):
    image_id = instance.system_metadata.get('shelved_image_id')
    if not image_id:
        return
    try:
        clients.image_client().delete(context, image_id)
    except exception.ImageNotFound:
        pass
