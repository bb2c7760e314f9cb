"""The compute API's service layer: the work behind a server create or
delete, once the controller has validated the request and checked its
policy.

It resolves what a request names (flavor, image, key pair, networks, server
group) with the caller's own rights, checks quotas, writes the instance
records and hands the work on: a build to the conductor, a terminate to
the server's compute host.  It knows nothing of HTTP or microversions; the
controllers pass the request context and plain values.
"""

import json
import re
import secrets

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils
from oslo_utils import uuidutils

from common import rpc
from common import servicegroup
from services.compute import clients
from services.compute import exception
from services.compute.api import volume_api
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.objects import compute_node as node_obj
from services.compute.objects import flavor as flavor_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj
from services.compute.objects import keypair as keypair_obj
from services.compute.objects import quota as quota_obj
from services.compute.objects import request_spec as spec_obj
from services.compute.objects import server_group as group_obj
from services.compute.objects import service as service_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


# -- compute hosts -------------------------------------------------------------

def compute_services(context):
    return {s.host: s for s in service_obj.ServiceList.get_all(context, binary=service_obj.COMPUTE)}


def host_is_up(services, host):
    svc = services.get(host)
    return svc is not None and servicegroup.is_up(
        svc.last_seen_at, CONF.service.service_down_time, svc.forced_down)


# -- what a request names --------------------------------------------------------

def flavor_for(context, flavor_ref):
    """The enabled flavor ``flavor_ref`` names, if the caller may use it."""
    flavor_id = str(flavor_ref).rstrip('/').rsplit('/', 1)[-1]
    try:
        flavor = flavor_obj.Flavor.get_by_flavor_id(context, flavor_id)
    except exception.FlavorNotFound:
        raise exception.Invalid(reason='Invalid flavorRef provided.')
    if not flavor.is_public and not context.is_admin and \
            context.project_id not in flavor.projects:
        raise exception.Invalid(reason='Invalid flavorRef provided.')
    if flavor.disabled:
        raise exception.Invalid(reason='Flavor is disabled.')
    return flavor


def image_visible_to(context, image_ref):
    """The active image ``image_ref`` names, looked up with the caller's own
    rights (an image they may not see is a 400, as an unknown one)."""
    image_id = image_ref.rstrip('/').rsplit('/', 1)[-1]
    if not uuidutils.is_uuid_like(image_id):
        raise exception.Invalid(reason='Invalid imageRef provided.')
    try:
        image = clients.image_client().get(context, image_id)
    except exception.ImageNotFound:
        raise exception.Invalid(reason='Image %s could not be found.' % image_id)
    if image.get('status', 'active') != 'active':
        raise exception.Invalid(reason='Image %s is not active.' % image_id)
    return image


def boot_image(context, image_ref, flavor):
    """What a server of ``flavor`` keeps of the image it boots from (400
    when the flavor is too small for it)."""
    image = image_visible_to(context, image_ref)
    if flavor.root_gb and image.get('min_disk', 0) > flavor.root_gb:
        raise exception.Invalid(reason="Flavor's disk is too small for requested image. "
                                       "Flavor disk is %dG, minimum requested disk is %dG."
                                       % (flavor.root_gb, image['min_disk']))
    if image.get('min_ram', 0) > flavor.memory_mb:
        raise exception.Invalid(reason="Flavor's memory is too small for requested image.")
    return {'id': image['id'], 'name': image.get('name'),
            'min_disk': image.get('min_disk', 0), 'min_ram': image.get('min_ram', 0),
            'properties': image.get('properties') or {}}


def key_data(context, key_name):
    if not key_name:
        return None
    try:
        return keypair_obj.KeyPair.get_by_name(context, context.user_id, key_name).public_key
    except exception.KeypairNotFound:
        raise exception.Invalid(reason='Invalid key_name provided.')


def _check_forced_host(context, host):
    if host and host not in compute_services(context):
        raise exception.Invalid(reason='Compute host %s could not be found.' % host)


def server_group_visible_to(context, group_id, any_group=False):
    """The server group ``group_id`` if the caller's project owns it (any
    group with ``any_group``); a 400 otherwise, the same as for an unknown one."""
    try:
        group = group_obj.ServerGroup.get_by_uuid(context, group_id)
    except exception.ServerGroupNotFound:
        group = None
    if group is None or (group.project_id != context.project_id and not any_group):
        raise exception.Invalid(reason='Invalid server group %s' % group_id)
    return group


def _networks(context, requested):
    """Validated requested networks as a list of {uuid, port, fixed_ip}."""
    net_client = clients.network_client()
    if requested == 'none':
        return []
    if requested in (None, 'auto'):
        candidates = net_client.list_networks(context)
        own = [n for n in candidates if n.get('project_id') == context.project_id]
        pool = own or candidates
        if not pool and requested == 'auto':
            # As nova: no network to pick, so the network service's
            # auto-allocated topology gives the project one.
            auto = net_client.auto_allocated_topology(context)
            pool = [{'id': auto}] if auto else []
        if not pool:
            if requested is None:
                return []
            raise exception.Invalid(reason='Unable to automatically allocate a network '
                                           'for project %s' % context.project_id)
        if len(pool) > 1:
            raise exception.Conflict(reason='Multiple possible networks found, use a '
                                            'Network ID to be more specific.')
        return [{'uuid': pool[0]['id']}]
    result = []
    for item in requested:
        if item.get('port'):
            port = net_client.get_port(context, item['port'])
            if port.get('device_id'):
                raise exception.PortInUse(port_id=item['port'])
            entry = {'port': item['port'], 'uuid': port['network_id']}
        elif item.get('uuid'):
            net_client.get_network(context, item['uuid'])
            entry = {'uuid': item['uuid'], 'fixed_ip': item.get('fixed_ip')}
        else:
            raise exception.Invalid(reason='Bad networks format: network uuid is not in '
                                           'proper format')
        if item.get('tag'):
            entry['tag'] = item['tag']  # the device tag (2.32, 2.42)
        result.append(entry)
    return result


# -- quotas --------------------------------------------------------------------------

def _check_metadata_quota(metadata):
    if len(metadata) > CONF.quota.metadata_items >= 0:
        raise exception.QuotaExceeded(resources='metadata_items', req=len(metadata),
                                      used=0, allowed=CONF.quota.metadata_items)


def _allowed_count(context, flavor, min_count, max_count):
    """Largest count in [min_count, max_count] the project's quota allows."""
    for count in sorted({max_count, min_count}, reverse=True):
        try:
            quota_obj.Quotas.check_deltas(context, context.project_id, {
                'instances': count, 'cores': count * flavor.vcpus,
                'ram': count * flavor.memory_mb})
            return count
        except exception.QuotaExceeded:
            if count == min_count:
                raise
    return min_count


def _check_group_quota(group, count):
    if group is not None and CONF.quota.server_group_members >= 0 and \
            len(group.members) + count > CONF.quota.server_group_members:
        raise exception.QuotaExceeded(resources='server_group_members', req=count,
                                      used=len(group.members),
                                      allowed=CONF.quota.server_group_members)


# -- create -------------------------------------------------------------------------

def _hostname(name, index, count):
    base = re.sub(r'[^a-z0-9-]+', '-', name.lower()).strip('-')[:63] or 'server'
    return base if count == 1 else '%s-%d' % (base[:59], index + 1)


def _group_spec(context, group):
    return {'uuid': group.uuid, 'policy': group.policy, 'rules': group.rules or {},
            'hosts': _group_hosts(context, group)}


def group_spec(context, group_uuid):
    """A server's group for a new placement (unshelve); None when it is gone."""
    try:
        return _group_spec(context, group_obj.ServerGroup.get_by_uuid(context, group_uuid))
    except exception.ServerGroupNotFound:
        return None


def _group_hosts(context, group):
    if not group.members:
        return []
    members = inst_obj.InstanceList.get_by_filters(context.elevated(),
                                                   {'uuid': list(group.members)})
    return [m.host for m in members if m.host]


def create(context, name, flavor_ref, image_ref, min_count=1, max_count=1,
           description=None, key_name=None, user_data=None, metadata=None,
           availability_zone=None, forced_host=None, scheduler_hints=None,
           any_server_group=False, requested_networks=None, security_groups=(),
           tags=(), access_ip_v4=None, access_ip_v6=None, config_drive=False,
           block_devices=(), auto_disk_config=False, hostname=None, trusted_certs=None,
           hypervisor_hostname=None, supports_multiattach=False):
    """Create the records of up to ``max_count`` servers (at least
    ``min_count``, as the quota allows) and cast their build to the
    conductor; answers the new Instance objects.

    ``requested_networks`` is the request's ``networks`` (a list, ``auto``,
    ``none`` or None); ``security_groups`` names groups (``default`` when
    empty); ``any_server_group``: the caller may put servers into another
    project's group (the ``group`` scheduler hint); ``block_devices``: the
    volume mappings ``volume_api.parse_block_devices`` made of the request
    (``image_ref`` is None when one of them is the boot disk); ``hostname``:
    the guest's requested hostname (2.90); ``trusted_certs``: certificate ids
    kept with the server (2.63); ``hypervisor_hostname``: a requested node
    (2.74), which names the host when ``forced_host`` does not;
    ``supports_multiattach``: the request may name multiattach volumes (2.60).
    """
    flavor = flavor_for(context, flavor_ref)
    image = boot_image(context, image_ref, flavor) if image_ref else {}
    image_defined = volume_api.image_block_devices(image)
    if image_defined:
        # The snapshot image of a volume-backed server: the server boots
        # from volumes made of its snapshots, not from the (empty) image.
        block_devices = volume_api.merge_block_devices(image_defined, block_devices)
        if any(v['boot_index'] == 0 for v in block_devices):
            image_ref = None
    for values in block_devices:
        if values['image_id']:
            image_visible_to(context, values['image_id'])
    if any(v['volume_id'] for v in block_devices) and max_count > 1:
        raise exception.Invalid(reason='Cannot attach one or more volumes to multiple '
                                       'instances')
    volume_api.check_volumes(context, block_devices, supports_multiattach)
    if not image_ref:
        image = root_volume_image(context, block_devices)
    public_key = key_data(context, key_name)
    metadata = metadata or {}
    _check_metadata_quota(metadata)
    if hypervisor_hostname:
        forced_host = _host_of_node(context, hypervisor_hostname, forced_host)
    _check_forced_host(context, forced_host)
    hints = scheduler_hints or {}
    group = None
    if hints.get('group'):
        group_id = hints['group'][0] if isinstance(hints['group'], list) else hints['group']
        group = server_group_visible_to(context, group_id, any_server_group)
    networks = _networks(context, requested_networks)
    count = _allowed_count(context, flavor, min_count, max_count)
    _check_group_quota(group, count)
    group_names = list(security_groups) or ['default']
    if networks and group_names != ['default']:
        # Unknown groups are the caller's mistake: 400 now, not ERROR later.
        clients.network_client().security_group_ids(context, context.project_id,
                                                    group_names)
    reservation_id = 'r-' + secrets.token_hex(4)
    snapshot = flavor.snapshot()
    instances = []
    for index in range(count):
        instance = inst_obj.Instance(
            context, uuid=uuidutils.generate_uuid(), project_id=context.project_id,
            user_id=context.user_id,
            display_name=name if count == 1 else '%s-%d' % (name, index + 1),
            display_description=description,
            hostname=hostname or _hostname(name, index, count),
            requested_availability_zone=availability_zone,
            availability_zone=availability_zone,
            vm_state=inst_obj.BUILDING, task_state='scheduling',
            power_state=inst_obj.NOSTATE, image_ref=image.get('id') or '', flavor=snapshot,
            vcpus=flavor.vcpus, memory_mb=flavor.memory_mb, root_gb=flavor.root_gb,
            key_name=key_name, key_data=public_key, user_data=user_data,
            metadata=metadata, system_metadata=_system_metadata(image, trusted_certs),
            tags=list(tags),
            network_info=[], requested_networks=networks,
            security_groups=[{'name': g} for g in group_names],
            access_ip_v4=access_ip_v4, access_ip_v6=access_ip_v6,
            locked=False, config_drive='True' if config_drive else '',
            auto_disk_config=auto_disk_config,
            progress=0, reservation_id=reservation_id, launch_index=index,
            server_group_uuid=group.uuid if group else None, scheduler_hints=hints,
            created_at=timeutils.utcnow())
        instance.create()
        if block_devices:
            _create_mappings(context, instance, block_devices)
        action_obj.InstanceAction.action_start(context, instance.uuid, 'create')
        instances.append(instance)
    spec = spec_obj.RequestSpec(
        flavor=snapshot, image=image, availability_zone=availability_zone,
        scheduler_hints=hints, project_id=context.project_id,
        force_hosts=[forced_host] if forced_host else [],
        group=_group_spec(context, group) if group is not None else None)
    conductor_rpcapi.ConductorAPI().build_instances(context, [i.uuid for i in instances], spec)
    return instances


def with_trusted_certs(system_metadata, trusted_certs):
    """``system_metadata`` (a copy) holding ``trusted_certs``, or none."""
    values = dict(system_metadata or {})
    values.pop(inst_obj.TRUSTED_CERTS_KEY, None)
    if trusted_certs:
        values[inst_obj.TRUSTED_CERTS_KEY] = json.dumps(trusted_certs)
    return values


#: what an image or a volume's ``volume_image_metadata`` holds besides its properties
_IMAGE_CORE = frozenset({'id', 'image_id', 'name', 'image_name', 'checksum', 'size',
                         'min_disk', 'min_ram', 'disk_format', 'container_format', 'status',
                         'visibility', 'owner', 'created_at', 'updated_at', 'protected'})


def root_volume_image(context, block_devices):
    """The image properties of a server that boots from a volume (nova's
    image metadata of a boot volume): those of the image a new root volume
    is made of, or of the existing root volume's ``volume_image_metadata``
    (the snapshot's volume's for a root volume made of a snapshot)
    -- its kernel, ramdisk, command line and hardware properties.  No
    ``id``: the server has no image of its own and its host fetches none."""
    root = next((v for v in block_devices if v['boot_index'] == 0), None)
    if root is None:
        return {}
    if root['image_id']:
        source = image_visible_to(context, root['image_id'])
        properties = dict(source.get('properties') or {})
    elif root['volume_id'] or root.get('snapshot_id'):
        source = _volume_image_metadata(context, root)
        properties = {k: v for k, v in source.items() if k not in _IMAGE_CORE}
    else:
        return {}
    return {'properties': properties, 'min_disk': _count_or_zero(source.get('min_disk')),
            'min_ram': _count_or_zero(source.get('min_ram'))}


def _volume_image_metadata(context, root):
    """The ``volume_image_metadata`` of a root volume, or for one made of a
    snapshot that of the snapshot's volume (the volume service copies it to
    the new volume); empty when that volume is gone."""
    volume_api = clients.volume_client()
    volume_id = root['volume_id']
    if not volume_id:
        volume_id = volume_api.snapshot_get(context, root['snapshot_id']).get('volume_id')
    try:
        return volume_api.get(context, volume_id).get('volume_image_metadata') or {}
    except exception.VolumeNotFound:
        return {}


def _count_or_zero(value):
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _system_metadata(image, trusted_certs):
    """What a new server keeps of its image's properties (2.98 shows them)
    and its trusted certificate ids (2.63), in nova's system_metadata keys."""
    values = {}
    for key, value in (image.get('properties') or {}).items():
        if value is not None and len(key) <= 255 - len(inst_obj.IMAGE_PREFIX):
            values[inst_obj.IMAGE_PREFIX + key] = str(value)[:255]
    return with_trusted_certs(values, trusted_certs)


def _host_of_node(context, node_name, host):
    """The host of the hypervisor ``node_name`` (a 400 when there is none,
    or when it is not on ``host``)."""
    nodes = [n for n in node_obj.ComputeNodeList.get_all(context.elevated())
             if n.hypervisor_hostname == node_name]
    if not nodes or (host and nodes[0].host != host):
        raise exception.Invalid(reason='Compute host %s could not be found.' % node_name)
    return nodes[0].host


def _create_mappings(context, instance, block_devices):
    """The server's volume mappings; when a volume cannot be reserved the
    server goes again (nothing half-made), and the error is the answer."""
    try:
        volume_api.create_mappings(context, instance, block_devices)
    except Exception:
        volume_api.release_for_deleted(context, instance)
        instance.destroy()
        raise


# -- delete -------------------------------------------------------------------------

#: vm_states a delete may keep restorable (the guest is powered off on its host).
_SOFT_DELETABLE = (inst_obj.ACTIVE, inst_obj.STOPPED, inst_obj.PAUSED, inst_obj.SUSPENDED,
                   inst_obj.RESCUED, inst_obj.ERROR)


def soft_delete(context, instance):
    """With ``[compute] reclaim_instance_interval`` set, a delete keeps a
    server with a live host as SOFT_DELETED (restorable) and its compute
    powers it off; the compute deletes it for good after the interval.
    False when the server must be deleted at once instead."""
    if (CONF.compute.reclaim_instance_interval <= 0 or not instance.host
            or instance.vm_state not in _SOFT_DELETABLE or instance.task_state is not None):
        return False
    compute = compute_rpcapi.ComputeAPI()
    if (not compute.client.can_send_version('1.6')
            or not host_is_up(compute_services(context), instance.host)):
        return False
    instance.task_state = 'soft-deleting'
    try:
        instance.save(expected_task_state=[None])
    except exception.InstanceInvalidState:
        return False  # something started meanwhile: delete it at once
    action_obj.InstanceAction.action_start(context, instance.uuid, 'delete')
    compute.soft_delete_instance(context, instance.host, instance.uuid)
    return True


def delete(context, instance):
    """Delete a server: its compute host terminates it, or, when it has no
    host or the host is down, it goes here (ports, record, then the claim)."""
    action_obj.InstanceAction.action_start(context, instance.uuid, 'delete')
    instance, again = _start_deleting(context, instance)
    on_host = instance.host and host_is_up(compute_services(context), instance.host)
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
    volume_api.release_for_deleted(context, instance)
    instance.destroy()
    # Resources claimed on a dead host are given back so the scheduler can
    # reuse them; after the row is gone, so a delete retried after a failure
    # above cannot give them back twice.
    if instance.host and instance.vm_state != inst_obj.ERROR:
        node_obj.ComputeNode.release(context, instance.host, *instance.claim_args())


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


# -- events from other services (os-server-external-events) ---------------------------

def external_instance_events(context, events):
    """Forward ``events`` (validated body items) to their servers' hosts.

    Returns ``(events as answered, status)``: each event gets its ``code``
    and ``status`` as nova answers them; the status is 200, or 207 when some
    event was refused. None forwarded is a 404.
    """
    compute = compute_rpcapi.ComputeAPI()
    rpc.require_version(compute.client, '1.4', 'compute')
    uuids = sorted({event['server_uuid'] for event in events})
    instances = {i.uuid: i for i in inst_obj.InstanceList.get_by_filters(
        context, {'uuid': uuids})}
    answered, by_host, status = [], {}, 200
    for event in events:
        event = dict(event)
        event.setdefault('status', 'completed')
        instance = instances.get(event['server_uuid'])
        if instance is None:
            code = 404
        elif event['name'] in ('volume-extended', 'accelerator-request-bound',
                               'volume-reimaged') and \
                event.get('tag') is None:
            code = 400
        elif event['name'] == 'power-update' and event.get('tag') not in (
                'POWER_ON', 'POWER_OFF'):
            code = 400
        elif not instance.host:
            code = 422
        else:
            code = 200
            by_host.setdefault(instance.host, []).append(dict(event))
            LOG.info('Event %s:%s for %s forwarded to %s', event['name'], event.get('tag'),
                     instance.uuid, instance.host)
        answered.append(dict(event, code=code, status='completed' if code == 200
                             else 'failed'))
        if code != 200:
            status = 207
    if not by_host:
        raise exception.NoInstancesForEvents()
    for host, host_events in by_host.items():
        compute.external_instance_event(context, host, host_events)
    return answered, status
