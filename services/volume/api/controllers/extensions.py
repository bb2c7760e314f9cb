"""GET /extensions (cinder's list of API extensions, for the ones we serve)
and GET /os-hosts (the volume hosts, admin)."""

from oslo_config import cfg

from services.volume.api import policies
from services.volume.api.controllers import common
from services.volume.api.controllers import misc

CONF = cfg.CONF
UPDATED = '2026-11-27T00:00:00+00:00'

#: (alias, name, what it adds): the cinder extensions whose calls or
#: attributes this API serves.
EXTENSIONS = (
    ('os-admin-actions', 'AdminActions', 'Administrator actions on volumes and snapshots '
     '(reset status, force delete).'),
    ('os-availability-zone', 'AvailabilityZones', 'Lists the availability zones.'),
    ('backups', 'Backups', 'Volume backups: create, list, show, restore, delete.'),
    ('qos-specs', 'Qos_specs_manage', 'QoS specs and their association with types.'),
    ('os-volume-transfer', 'VolumeTransfer', 'Volume transfers between projects.'),
    ('os-extended-snapshot-attributes', 'ExtendedSnapshotAttributes',
     'Snapshot project and progress in snapshot bodies.'),
    ('os-hosts', 'Hosts', 'Lists the volume hosts (admin).'),
    ('os-quota-sets', 'Quotas', 'Project quotas: show, update, reset, defaults.'),
    ('OS-SCH-HNT', 'SchedulerHints', 'Scheduler hints on volume create.'),
    ('os-services', 'Services', 'Lists the volume services and their state.'),
    ('os-types-extra-specs', 'TypesExtraSpecs', 'Extra specs of volume types.'),
    ('os-types-manage', 'TypesManage', 'Create, update and delete volume types.'),
    ('os-used-limits', 'UsedLimits', 'Usage in the limits body.'),
    ('os-volume-actions', 'VolumeActions', 'Volume actions: extend, bootable, read-only '
     'flag, upload to image.'),
    ('os-vol-host-attr', 'VolumeHostAttribute', 'The backend of a volume in its body '
     '(admin).'),
    ('os-vol-image-meta', 'VolumeImageMetadata', 'The image properties of a volume made '
     'from an image.'),
    ('os-vol-tenant-attr', 'VolumeTenantAttribute', 'The owning project in volume bodies.'),
    ('os-volume-type-access', 'VolumeTypeAccess', 'Private volume types and their project '
     'access.'),
)


def register(r):
    r.add('GET', '/extensions', index)
    r.add('GET', '/os-hosts', hosts)


def index(req):
    policies.authorize(req.context, 'volume_extension:extensions:index')
    return {'extensions': [{'alias': alias, 'name': name, 'description': description,
                            'links': [], 'updated': UPDATED}
                           for alias, name, description in EXTENSIONS]}


def hosts(req):
    policies.authorize(req.context, 'volume_extension:hosts')
    out = []
    for svc in common.conductor().service_list(req.context):
        binary = misc.BINARIES.get(svc['binary'])
        if binary is None:
            continue
        zone = svc['availability_zone'] or CONF.volume.availability_zone
        if req.params.get('zone') and req.params['zone'] != zone:
            continue
        out.append({'host_name': svc['host'], 'service': binary, 'zone': zone,
                    'service-status': 'unavailable' if not svc['up'] else 'available',
                    'service-state': 'disabled' if svc['disabled'] else 'enabled',
                    'last-update': svc['last_seen_at']})
    return {'hosts': out}
