"""The placement view of the conductor's claim data (one source of truth).

Every compute node is a resource provider (its uuid, its hypervisor
hostname as name, its generation) with VCPU, MEMORY_MB and DISK_GB
inventories from what the node reported and what an operator reserved;
usages are the node's claimed counters; a server's claim is its
allocation.  Allocation candidates come from the scheduler's own capacity
filters over the same ComputeNode objects, and editing an inventory writes
the reserved capacity and allocation ratio the claims check, so the
scheduler honours it.

``OPERATIONS`` is the explicit table the conductor's ``placement`` RPC
method serves; the placement API sends only these names.
"""

import re

from oslo_log import log as logging

from services.compute import exception
from services.compute.objects import aggregate as agg_obj
from services.compute.objects import base as obj_base
from services.compute.objects import compute_node as node_obj
from services.compute.objects import flavor as flavor_obj
from services.compute.objects import request_spec as spec_obj
from services.compute.scheduler import host_state
from services.compute.scheduler.filters import resources as resource_filters

LOG = logging.getLogger(__name__)

#: resource class -> (total, used, reserved columns, ratio column, filter)
CLASSES = {
    'VCPU': ('vcpus', 'vcpus_used', 'vcpus_reserved', 'cpu_allocation_ratio',
             resource_filters.CoreFilter),
    'MEMORY_MB': ('memory_mb', 'memory_mb_used', 'memory_mb_reserved',
                  'ram_allocation_ratio', resource_filters.RamFilter),
    'DISK_GB': ('local_gb', 'local_gb_used', 'local_gb_reserved', 'disk_allocation_ratio',
                resource_filters.DiskFilter),
}
#: What a flavor key a class fills in for the filters' capacity check.
_FLAVOR_KEYS = {'VCPU': 'vcpus', 'MEMORY_MB': 'memory_mb', 'DISK_GB': 'root_gb'}

MAX_INT = 2 ** 31 - 1
CUSTOM_RE = re.compile(r'^CUSTOM_[A-Z0-9_]+$')

#: Standard resource classes (os-resource-classes' names).
STANDARD_RESOURCE_CLASSES = [
    'VCPU', 'MEMORY_MB', 'DISK_GB', 'PCI_DEVICE', 'SRIOV_NET_VF', 'NUMA_SOCKET',
    'NUMA_CORE', 'NUMA_THREAD', 'NUMA_MEMORY_MB', 'IPV4_ADDRESS', 'VGPU', 'VGPU_DISPLAY_HEAD',
    'NET_BW_EGR_KILOBIT_PER_SEC', 'NET_BW_IGR_KILOBIT_PER_SEC', 'PCPU', 'MEM_ENCRYPTION_CONTEXT',
    'FPGA', 'PGPU', 'NET_PACKET_RATE_KILOPACKET_PER_SEC',
    'NET_PACKET_RATE_EGR_KILOPACKET_PER_SEC', 'NET_PACKET_RATE_IGR_KILOPACKET_PER_SEC',
]

#: A working subset of os-traits' standard names, used when the library is
#: not installed.
_FALLBACK_TRAITS = [
    'COMPUTE_ARCH_X86_64', 'COMPUTE_ARCH_AARCH64', 'COMPUTE_CONFIG_DRIVE',
    'COMPUTE_DEVICE_TAGGING', 'COMPUTE_NET_ATTACH_INTERFACE',
    'COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG', 'COMPUTE_VOLUME_ATTACH',
    'COMPUTE_VOLUME_ATTACH_WITH_TAG', 'COMPUTE_VOLUME_EXTEND', 'COMPUTE_VOLUME_MULTI_ATTACH',
    'COMPUTE_TRUSTED_CERTS', 'COMPUTE_IMAGE_TYPE_QCOW2', 'COMPUTE_IMAGE_TYPE_RAW',
    'COMPUTE_IMAGE_TYPE_ISO', 'COMPUTE_RESCUE_BFV', 'COMPUTE_STATUS_DISABLED',
    'COMPUTE_NODE', 'COMPUTE_ACCELERATORS', 'COMPUTE_SOCKET_PCI_NUMA_AFFINITY',
    'HW_CPU_X86_AVX', 'HW_CPU_X86_AVX2', 'HW_CPU_X86_SSE', 'HW_CPU_X86_SSE2',
    'HW_CPU_X86_SSE41', 'HW_CPU_X86_SSE42', 'HW_CPU_X86_AESNI', 'HW_CPU_X86_VMX',
    'HW_CPU_X86_SVM', 'HW_CPU_HYPERTHREADING', 'HW_NIC_SRIOV', 'HW_GPU_API_VULKAN',
    'STORAGE_DISK_HDD', 'STORAGE_DISK_SSD', 'MISC_SHARES_VIA_AGGREGATE',
]


def standard_traits():
    try:
        import os_traits
    except ImportError:
        return list(_FALLBACK_TRAITS)
    return list(os_traits.get_traits())


def _db():
    return obj_base.db()


def _not_found(detail, code='placement.undefined_code'):
    return exception.PlacementNotFound(detail, error_code=code)


def _conflict(detail, code='placement.undefined_code'):
    return exception.PlacementConflict(detail, error_code=code)


def _bad(detail):
    return exception.PlacementBadRequest(detail, error_code='placement.undefined_code')


# -- providers ------------------------------------------------------------------

def _nodes(context):
    return list(node_obj.ComputeNodeList.get_all(context))


def _node_rows(context):
    """The nodes as DB rows (generation and inventory settings included)."""
    return {row['uuid']: row for row in _db().compute_node_get_all()}


def _node_row(uuid):
    for row in _db().compute_node_get_all():
        if row['uuid'] == uuid:
            return row
    raise _not_found('No resource provider with uuid %s found' % uuid)


def _aggregates_by_host(context):
    out = {}
    for agg in agg_obj.AggregateList.get_all(context):
        for host in agg.hosts:
            out.setdefault(host, []).append(agg.uuid)
    return out


def _provider(row):
    return {'uuid': row['uuid'], 'name': row['hypervisor_hostname'],
            'generation': row['generation'] or 0,
            'parent_provider_uuid': None, 'root_provider_uuid': row['uuid']}


def _inventories(row):
    settings = (row.get('inventory_settings') or {}).get('inventories', {})
    out = {}
    for rc, (total_key, _used, reserved_key, ratio_key, _filter) in CLASSES.items():
        total = row[total_key] or 0
        given = settings.get(rc, {})
        out[rc] = {'total': total, 'reserved': row.get(reserved_key) or 0,
                   'min_unit': given.get('min_unit', 1),
                   'max_unit': min(given.get('max_unit', total), total) if total else 0,
                   'step_size': given.get('step_size', 1),
                   'allocation_ratio': row[ratio_key]}
    return out


def _usages(row):
    return {rc: row[used] or 0 for rc, (_t, used, _r, _a, _f) in CLASSES.items()}


def list_providers(context, name=None, uuid=None, member_of=None, resources=None,
                   required=None, forbidden=None, in_tree=None):
    """``member_of``: list of lists of aggregate uuids (each list: any of);
    ``resources``: {class: amount} the provider must have room for;
    ``required`` / ``forbidden``: trait names."""
    rows = _node_rows(context)
    aggs = _aggregates_by_host(context)
    traits = _db().placement_provider_traits_get_all()
    fits = None
    if resources:
        fits = {c['uuid'] for c in _candidates(context, resources)}
    out = []
    for row in rows.values():
        if name and row['hypervisor_hostname'] != name:
            continue
        if uuid and row['uuid'] != uuid:
            continue
        if in_tree and row['uuid'] != in_tree:
            continue
        if member_of and not all(set(aggs.get(row['host'], [])) & set(wanted)
                                 for wanted in member_of):
            continue
        have = set(traits.get(row['uuid'], []))
        if required and not all(_trait_match(t, have) for t in required):
            continue
        if forbidden and have & set(forbidden):
            continue
        if fits is not None and row['uuid'] not in fits:
            continue
        out.append(_provider(row))
    return out


def _trait_match(required, have):
    """A required entry is one name or a set (any of them, ``in:``)."""
    if isinstance(required, (list, tuple, set)):
        return bool(set(required) & have)
    return required in have


def get_provider(context, uuid):
    return _provider(_node_row(uuid))


def get_inventories(context, uuid):
    row = _node_row(uuid)
    return {'resource_provider_generation': row['generation'] or 0,
            'inventories': _inventories(row)}


def set_inventories(context, uuid, generation, inventories):
    """Replace a provider's inventories.  Totals are what the hypervisor
    measured (a different total is refused); ``reserved`` and
    ``allocation_ratio`` go where the claims check them, the unit sizes are
    kept for allocation candidates."""
    row = _node_row(uuid)
    if generation != (row['generation'] or 0):
        raise _conflict('resource provider generation conflict: the provider %s has '
                        'changed since you read it' % uuid, 'placement.concurrent_update')
    unknown = sorted(set(inventories) - set(CLASSES))
    if unknown:
        raise _bad('A compute node provider has only VCPU, MEMORY_MB and DISK_GB '
                   'inventories; cannot add %s' % ', '.join(unknown))
    missing = sorted(set(CLASSES) - set(inventories))
    if missing:
        raise _conflict('Inventory for %s on resource provider %s is the measured '
                        'capacity of a compute node and cannot be removed'
                        % (', '.join(missing), uuid), 'placement.inventory.inuse')
    values = {}
    settings = dict(row.get('inventory_settings') or {})
    pinned = set(settings.get('pinned_ratios', []))
    units = {}
    for rc, inv in inventories.items():
        total_key, _used, reserved_key, ratio_key, _f = CLASSES[rc]
        total = row[total_key] or 0
        if inv['total'] != total:
            raise _bad('The total of %s on a compute node is what its hypervisor reports '
                       '(%d); it cannot be set to %d' % (rc, total, inv['total']))
        reserved = inv.get('reserved', 0)
        if reserved > total:
            raise _bad('Unable to update inventory for resource provider %s: reserved '
                       'for %s (%d) exceeds total (%d)' % (uuid, rc, reserved, total))
        min_unit, step = inv.get('min_unit', 1), inv.get('step_size', 1)
        max_unit = inv.get('max_unit', MAX_INT)
        if min_unit > max_unit:
            raise _bad('Unable to update inventory for resource provider %s: min_unit '
                       'exceeds max_unit for %s' % (uuid, rc))
        values[reserved_key] = reserved
        ratio = float(inv.get('allocation_ratio', 1.0))
        if ratio != row[ratio_key]:
            values[ratio_key] = ratio
            pinned.add(ratio_key)
        units[rc] = {'min_unit': min_unit, 'max_unit': max_unit, 'step_size': step}
    settings['inventories'] = units
    settings['pinned_ratios'] = sorted(pinned)
    values['inventory_settings'] = settings
    _check_written(_db().placement_node_update(uuid, generation, values), uuid)
    LOG.info('Inventories of resource provider %s set: %s', uuid, values)
    return get_inventories(context, uuid)


def _check_written(result, uuid):
    if result is None:
        raise _not_found('No resource provider with uuid %s found' % uuid)
    if result is False:
        raise _conflict('resource provider generation conflict on %s' % uuid,
                        'placement.concurrent_update')


def get_usages(context, uuid):
    row = _node_row(uuid)
    return {'resource_provider_generation': row['generation'] or 0,
            'usages': _usages(row)}


# -- allocations ----------------------------------------------------------------

def _amounts(flavor, volume_backed):
    vcpus, memory_mb, disk_gb = flavor_obj.claim_args(flavor, volume_backed)
    return {'VCPU': vcpus, 'MEMORY_MB': memory_mb, 'DISK_GB': disk_gb}


def _claims(consumer):
    """host -> amounts a server's claims hold (a resize holds two)."""
    held = {}

    def add(host, flavor):
        if not host or not flavor:
            return
        current = held.setdefault(host, {})
        for rc, amount in _amounts(flavor, not consumer.get('image_ref')).items():
            current[rc] = current.get(rc, 0) + amount

    add(consumer['host'], consumer['flavor'])
    meta = consumer.get('system_metadata') or {}
    if consumer.get('new_flavor'):
        if consumer.get('old_flavor'):  # finished on the destination
            add(meta.get('resize_source'), consumer['old_flavor'])
        else:  # claimed on the destination, still on the source
            add(meta.get('resize_dest'), consumer['new_flavor'])
    return held


def get_allocations(context, consumer_uuid):
    consumers = _db().placement_consumers(instance_uuid=consumer_uuid)
    if not consumers:
        return {'allocations': {}}
    consumer = consumers[0]
    nodes = {row['host']: row for row in _node_rows(context).values()}
    allocations = {}
    for host, amounts in _claims(consumer).items():
        row = nodes.get(host)
        if row:
            allocations[row['uuid']] = {'generation': row['generation'] or 0,
                                        'resources': amounts}
    return {'allocations': allocations, 'project_id': consumer['project_id'],
            'user_id': consumer['user_id'], 'consumer_generation': 1,
            'consumer_type': 'INSTANCE'}


def get_provider_allocations(context, uuid):
    row = _node_row(uuid)
    allocations = {}
    for consumer in _db().placement_consumers():
        amounts = _claims(consumer).get(row['host'])
        if amounts:
            allocations[consumer['uuid']] = {'resources': amounts}
    return {'resource_provider_generation': row['generation'] or 0,
            'allocations': allocations}


def get_project_usages(context, project_id, user_id=None):
    usages = {}
    for consumer in _db().placement_consumers(project_id=project_id, user_id=user_id):
        for amounts in _claims(consumer).values():
            for rc, amount in amounts.items():
                usages[rc] = usages.get(rc, 0) + amount
    return {'usages': usages}


# -- resource classes and traits -------------------------------------------------

def list_resource_classes(context):
    return STANDARD_RESOURCE_CLASSES + _db().placement_names_get_all('resource_classes')


def create_resource_class(context, name):
    """True when created, False when it existed."""
    if name in STANDARD_RESOURCE_CLASSES:
        return False
    _require_custom(name, 'resource class')
    return _db().placement_name_create('resource_classes', name)


def delete_resource_class(context, name):
    if name in STANDARD_RESOURCE_CLASSES:
        raise _bad('Cannot delete standard resource class %s' % name)
    if not _db().placement_name_delete('resource_classes', name):
        raise _not_found('No such resource class %s' % name)


def get_resource_class(context, name):
    if name not in list_resource_classes(context):
        raise _not_found('No such resource class %s.' % name)
    return name


def _require_custom(name, what):
    if not CUSTOM_RE.match(name or ''):
        raise _bad('The %s name %s must start with CUSTOM_ and use only upper case '
                   'letters, digits and underscores' % (what, name))


def list_traits(context):
    return standard_traits() + _db().placement_names_get_all('traits')


def create_trait(context, name):
    _require_custom(name, 'trait')
    return _db().placement_name_create('traits', name)


def delete_trait(context, name):
    if name in standard_traits():
        raise _bad('Cannot delete standard trait %s.' % name)
    if _db().placement_trait_in_use(name):
        raise _conflict('The trait %s is in use by a resource provider.' % name,
                        'placement.undefined_code')
    if not _db().placement_name_delete('traits', name):
        raise _not_found('No such trait(s): %s.' % name)


def get_provider_traits(context, uuid):
    row = _node_row(uuid)
    return {'resource_provider_generation': row['generation'] or 0,
            'traits': _db().placement_provider_traits_get_all(uuid).get(uuid, [])}


def set_provider_traits(context, uuid, generation, traits):
    _node_row(uuid)
    known = set(list_traits(context))
    unknown = sorted(set(traits) - known)
    if unknown:
        raise _bad('No such trait(s): %s' % ', '.join(unknown))
    _check_written(_db().placement_provider_traits_set(uuid, generation, traits), uuid)
    return get_provider_traits(context, uuid)


def get_provider_aggregates(context, uuid):
    row = _node_row(uuid)
    return {'resource_provider_generation': row['generation'] or 0,
            'aggregates': _aggregates_by_host(context).get(row['host'], [])}


# -- allocation candidates ---------------------------------------------------------

def _fits(node, rc, amount, inventory):
    """The scheduler's own capacity check for one class, plus placement's
    unit rules from the inventory."""
    if amount < inventory['min_unit'] or amount > inventory['max_unit']:
        return False
    if amount % (inventory['step_size'] or 1):
        return False
    flavor = {'vcpus': 0, 'memory_mb': 0, 'root_gb': 0}
    flavor[_FLAVOR_KEYS[rc]] = amount
    state = host_state.HostState(node, None, [])
    return CLASSES[rc][4]().host_passes(state, spec_obj.RequestSpec(flavor=flavor))


def _candidates(context, resources, required=(), forbidden=(), member_of=()):
    rows = _node_rows(context)
    traits = _db().placement_provider_traits_get_all() if (required or forbidden) else {}
    aggs = _aggregates_by_host(context) if member_of else {}
    out = []
    for node in _nodes(context):
        row = rows.get(node.uuid)
        if row is None or set(resources) - set(CLASSES):
            continue
        have = set(traits.get(node.uuid, []))
        if required and not all(_trait_match(t, have) for t in required):
            continue
        if forbidden and have & set(forbidden):
            continue
        if member_of and not all(set(aggs.get(node.host, [])) & set(wanted)
                                 for wanted in member_of):
            continue
        inventories = _inventories(row)
        if all(_fits(node, rc, amount, inventories[rc]) for rc, amount in resources.items()):
            out.append({'uuid': node.uuid, 'row': row, 'inventories': inventories,
                        'traits': sorted(have) if traits else
                        _db().placement_provider_traits_get_all(node.uuid).get(node.uuid, [])})
    return out


def allocation_candidates(context, resources, required=(), forbidden=(), member_of=(),
                          limit=None):
    """Providers that can take ``resources`` ({class: amount}) now."""
    found = _candidates(context, resources, required, forbidden, member_of)
    if limit:
        found = found[:limit]
    requests, summaries = [], {}
    for cand in found:
        requests.append({'uuid': cand['uuid'], 'resources': dict(resources)})
        usages = _usages(cand['row'])
        summary = {}
        for rc, inv in cand['inventories'].items():
            capacity = int((inv['total'] - inv['reserved']) * inv['allocation_ratio'])
            summary[rc] = {'capacity': capacity, 'used': usages[rc]}
        summaries[cand['uuid']] = {'resources': summary, 'traits': cand['traits'],
                                   'parent_provider_uuid': None,
                                   'root_provider_uuid': cand['uuid'],
                                   'requested': sorted(resources)}
    return {'allocation_requests': requests, 'provider_summaries': summaries}


#: name -> function served by the conductor's ``placement`` RPC method.
OPERATIONS = {fn.__name__: fn for fn in (
    list_providers, get_provider, get_inventories, set_inventories, get_usages,
    get_allocations, get_provider_allocations, get_project_usages,
    list_resource_classes, get_resource_class, create_resource_class,
    delete_resource_class, list_traits, create_trait, delete_trait,
    get_provider_traits, set_provider_traits, get_provider_aggregates,
    allocation_candidates)}


def dispatch(context, operation, args):
    func = OPERATIONS.get(operation)
    if func is None:
        raise _bad('Unknown placement operation %s' % operation)
    return func(context, **(args or {}))
