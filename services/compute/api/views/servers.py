"""How a server (an Instance object) looks in the API, per microversion."""

import hashlib
import ipaddress
import json

from services.compute.api.controllers import common
from services.compute.objects import instance as inst_obj

_ACTIVE_TASKS = {
    'rebooting': 'REBOOT', 'reboot_pending': 'REBOOT', 'reboot_started': 'REBOOT',
    'rebooting_hard': 'HARD_REBOOT', 'reboot_pending_hard': 'HARD_REBOOT',
    'reboot_started_hard': 'HARD_REBOOT', 'rebuilding': 'REBUILD',
    'rebuild_spawning': 'REBUILD', 'resize_prep': 'RESIZE', 'resize_migrating': 'RESIZE',
    'resize_migrated': 'RESIZE', 'resize_finish': 'RESIZE', 'migrating': 'MIGRATING',
    'password': 'PASSWORD',
}
_STATUS = {
    inst_obj.BUILDING: 'BUILD', inst_obj.STOPPED: 'SHUTOFF', inst_obj.PAUSED: 'PAUSED',
    inst_obj.SUSPENDED: 'SUSPENDED', inst_obj.ERROR: 'ERROR', inst_obj.DELETED: 'DELETED',
    inst_obj.RESCUED: 'RESCUE', inst_obj.SHELVED: 'SHELVED',
    inst_obj.SHELVED_OFFLOADED: 'SHELVED_OFFLOADED', inst_obj.SOFT_DELETED: 'SOFT_DELETED',
}

#: API status -> vm_state, for the ``status`` list filter.
STATUS_TO_VM_STATE = {
    'ACTIVE': [inst_obj.ACTIVE], 'BUILD': [inst_obj.BUILDING],
    'SHUTOFF': [inst_obj.STOPPED], 'PAUSED': [inst_obj.PAUSED],
    'SUSPENDED': [inst_obj.SUSPENDED], 'ERROR': [inst_obj.ERROR],
    'DELETED': [inst_obj.DELETED], 'RESCUE': [inst_obj.RESCUED],
    'VERIFY_RESIZE': [inst_obj.RESIZED], 'SHELVED': [inst_obj.SHELVED],
    'SHELVED_OFFLOADED': [inst_obj.SHELVED_OFFLOADED],
    'SOFT_DELETED': [inst_obj.SOFT_DELETED],
    'REBOOT': [inst_obj.ACTIVE], 'HARD_REBOOT': [inst_obj.ACTIVE],
    'RESIZE': [inst_obj.ACTIVE, inst_obj.STOPPED], 'REBUILD': [inst_obj.ACTIVE],
    'MIGRATING': [inst_obj.ACTIVE],
}

_POWER_NAMES = {0: 0, 1: 1, 3: 3, 4: 4, 6: 6, 7: 7}


def status(instance):
    if instance.vm_state == inst_obj.ACTIVE:
        return _ACTIVE_TASKS.get(instance.task_state, 'ACTIVE')
    if instance.vm_state == inst_obj.RESIZED:
        return 'REVERT_RESIZE' if instance.task_state == 'resize_reverting' else 'VERIFY_RESIZE'
    if instance.vm_state == inst_obj.STOPPED and instance.task_state in (
            'resize_prep', 'resize_migrating', 'resize_migrated', 'resize_finish'):
        return 'RESIZE'
    if instance.vm_state == inst_obj.STOPPED and instance.task_state in (
            'rebuilding', 'rebuild_spawning'):
        return 'REBUILD'
    return _STATUS.get(instance.vm_state, 'UNKNOWN')


def host_id(instance):
    if not instance.host:
        return ''
    return hashlib.sha224((instance.project_id + instance.host).encode()).hexdigest()


def addresses(instance, extended=True):
    """The server's IPs by network: each port's fixed IPs, then the
    floating IPs associated with them (as nova lists them); ``extended``
    adds nova's OS-EXT-IPS type and MAC address to each."""
    result = {}
    for vif in instance.network_info or []:
        entries = result.setdefault(vif.get('network_name') or vif['network_id'], [])
        fixed_ips = vif.get('fixed_ips', [])
        for ip in fixed_ips:
            entries.append(_address(vif, ip['version'], ip['ip_address'], 'fixed', extended))
        for ip in fixed_ips:
            for address in ip.get('floating_ips') or ():
                entries.append(_address(vif, ip['version'], address, 'floating', extended))
    return result


def _address(vif, version, address, kind, extended):
    entry = {'version': version, 'addr': address}
    if extended:
        entry.update({'OS-EXT-IPS:type': kind, 'OS-EXT-IPS-MAC:mac_addr': vif.get('mac_address')})
    return entry


def access_ip(value):
    """An access address as the API shows it: an IPv6 address in its
    canonical (compressed) form, whatever form it was given in."""
    if not value:
        return ''
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return value


def flavor_view(req, flavor):
    if req.at_least(47):
        return {'vcpus': flavor['vcpus'], 'ram': flavor['memory_mb'],
                'disk': flavor['root_gb'], 'ephemeral': flavor.get('ephemeral_gb', 0),
                'swap': flavor.get('swap', 0), 'original_name': flavor['name'],
                'extra_specs': flavor.get('extra_specs') or {}}
    return {'id': flavor['flavorid'], 'links': [{
        'rel': 'bookmark', 'href': '%s/flavors/%s' % (req.host_url, flavor['flavorid'])}]}


def disk_config(instance):
    return 'AUTO' if getattr(instance, 'auto_disk_config', None) else 'MANUAL'


def basic(req, instance):
    return {'id': instance.uuid, 'name': instance.display_name,
            'links': common.link(req, 'servers', instance.uuid)}


def created(req, instance, admin_pass):
    """The answer to a create: the first new server's id, links, security
    groups and admin password."""
    return {'id': instance.uuid, 'links': common.link(req, 'servers', instance.uuid),
            'OS-DCF:diskConfig': disk_config(instance),
            'security_groups': instance.security_groups,
            'adminPass': admin_pass}


def trusted_certs(instance):
    value = (instance.system_metadata or {}).get(inst_obj.TRUSTED_CERTS_KEY)
    return json.loads(value) if value else None


def _image(req, instance):
    if not instance.image_ref:
        return ''
    image = {'id': instance.image_ref, 'links': [{
        'rel': 'bookmark', 'href': '%s/images/%s' % (req.host_url, instance.image_ref)}]}
    if req.at_least(98):
        image['properties'] = inst_obj.image_properties(instance)  # 2.98
    return image


def _versioned(req, body, instance, groups):
    """The fields later microversions add to every view of a server (show,
    list, update, rebuild); ``groups``: the server's group ids, or None where
    the view has no ``server_groups`` (the list)."""
    if req.at_least(63):
        body['trusted_image_certificates'] = trusted_certs(instance)
    if req.at_least(71) and groups is not None:
        body['server_groups'] = list(groups)
    if req.at_least(73):
        body['locked_reason'] = ((instance.system_metadata or {}).get(inst_obj.LOCKED_REASON_KEY)
                                 if instance.locked else None)
    if req.at_least(96):
        body['pinned_availability_zone'] = instance.requested_availability_zone or None
    if req.at_least(100):
        body['scheduler_hints'] = dict(instance.scheduler_hints or {})


def _common(req, instance, extend_address, fault_details):
    """What every full view of a server holds, at any microversion."""
    image = _image(req, instance)
    state = status(instance)
    body = {
        'id': instance.uuid,
        'name': instance.display_name,
        'status': state,
        'tenant_id': instance.project_id,
        'user_id': instance.user_id,
        'metadata': dict(instance.metadata),
        'hostId': host_id(instance),
        'image': image,
        'flavor': flavor_view(req, instance.flavor),
        'created': common.isotime(instance.created_at),
        'updated': common.isotime(instance.updated_at),
        'addresses': addresses(instance, extend_address),
        'accessIPv4': access_ip(instance.access_ip_v4),
        'accessIPv6': access_ip(instance.access_ip_v6),
        'links': common.link(req, 'servers', instance.uuid),
        'OS-DCF:diskConfig': disk_config(instance),
    }
    if state in ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING'):
        body['progress'] = 100 if state == 'ACTIVE' else (instance.progress or 0)
    if req.at_least(9):
        body['locked'] = bool(instance.locked)
    if req.at_least(19):
        body['description'] = instance.display_description
    if req.at_least(26):
        body['tags'] = list(instance.tags or [])
    fault = instance.fault if instance.obj_attr_is_set('fault') else None
    if fault and state in ('ERROR', 'DELETED'):
        body['fault'] = {'code': fault['code'], 'message': fault['message'],
                         'created': common.isotime(fault['created_at'])}
        if fault_details and fault.get('details'):
            body['fault']['details'] = fault['details']
    return body


def groups_of(instance):
    return [instance.server_group_uuid] if instance.server_group_uuid else []


def updated(req, instance, fault_details=False):
    """The server as ``PUT /servers/{id}`` answers it below microversion
    2.75: the common fields only, addresses without their OS-EXT-IPS
    attributes, and none of the availability zone, config drive, key name,
    usage, status, volume, security group, extended server attribute or
    host status fields that show adds (from 2.75 update answers show's view)."""
    body = _common(req, instance, extend_address=False, fault_details=fault_details)
    _versioned(req, body, instance, groups_of(instance))
    return body


def rebuilt(req, instance, view):
    """The rebuild action's view made of update's (``view``): ``key_name``
    from 2.54, ``user_data`` from 2.57 (from 2.75 in place of the extended
    attribute of the same value)."""
    body = dict(view)
    body.pop('OS-EXT-SRV-ATTR:user_data', None)
    if req.at_least(54):
        body['key_name'] = instance.key_name
    if req.at_least(57):
        body['user_data'] = instance.user_data
    return body


def volumes_attached(req, bdms):
    """``os-extended-volumes:volumes_attached``: the server's volumes (and,
    from 2.3, whether each goes with the server)."""
    if req.at_least(3):
        return [{'id': b.volume_id, 'delete_on_termination': bool(b.delete_on_termination)}
                for b in bdms]
    return [{'id': b.volume_id} for b in bdms]


def detail(req, instance, show_extended=False, host_status=None, volumes=(), groups=None):
    """The full view (show, list detail); ``groups`` for show (2.71)."""
    body = _common(req, instance, extend_address=True, fault_details=show_extended)
    _versioned(req, body, instance, groups)
    body.update({
        'OS-EXT-AZ:availability_zone': instance.availability_zone or '',
        'config_drive': instance.config_drive or '',
        'key_name': instance.key_name,
        'OS-SRV-USG:launched_at': _usg_time(instance.launched_at),
        'OS-SRV-USG:terminated_at': _usg_time(instance.terminated_at),
        'OS-EXT-STS:task_state': instance.task_state,
        'OS-EXT-STS:vm_state': instance.vm_state,
        'OS-EXT-STS:power_state': instance.power_state,
        'os-extended-volumes:volumes_attached': volumes_attached(req, volumes),
    })
    groups = [{'name': g.get('name', g) if isinstance(g, dict) else g}
              for g in instance.security_groups or []]
    if groups:
        # As nova: a server without security groups has no such key.
        body['security_groups'] = groups
    if show_extended:
        body['OS-EXT-SRV-ATTR:host'] = instance.host
        body['OS-EXT-SRV-ATTR:hypervisor_hostname'] = instance.node
        body['OS-EXT-SRV-ATTR:instance_name'] = 'instance-%08x' % (instance.id or 0)
        if req.at_least(3):
            body.update({'OS-EXT-SRV-ATTR:reservation_id': instance.reservation_id,
                         'OS-EXT-SRV-ATTR:launch_index': instance.launch_index,
                         'OS-EXT-SRV-ATTR:hostname': instance.hostname,
                         'OS-EXT-SRV-ATTR:kernel_id': '',
                         'OS-EXT-SRV-ATTR:ramdisk_id': '',
                         'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
                         'OS-EXT-SRV-ATTR:user_data': instance.user_data})
    if req.at_least(90):
        # 2.90: every reader sees the hostname (it may be set on create, update, rebuild).
        body['OS-EXT-SRV-ATTR:hostname'] = instance.hostname
    if req.at_least(16) and host_status is not None:
        body['host_status'] = host_status
    return body


def _usg_time(value):
    if not value or isinstance(value, str):
        return value or None
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
