"""os-services, os-availability-zone, limits and os-quota-sets."""

from oslo_config import cfg

from services.volume import exception
from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common

CONF = cfg.CONF
#: What clients see of our processes (they filter on cinder's names).
BINARIES = {'alto-volume-scheduler': 'cinder-scheduler', 'alto-volume': 'cinder-volume',
            'alto-volume-backup': 'cinder-backup'}
QUOTA_KEYS = ('volumes', 'snapshots', 'gigabytes', 'per_volume_gigabytes', 'backups',
              'backup_gigabytes', 'groups')


def register(r):
    r.add('GET', '/os-services', services)
    r.add('GET', '/os-availability-zone', zones)
    r.add('GET', '/limits', limits)
    r.add('GET', '/os-quota-sets/{project_id}', quota_show)
    r.add('GET', '/os-quota-sets/{project_id}/defaults', quota_defaults)
    r.add('PUT', '/os-quota-sets/{project_id}', quota_update)
    r.add('DELETE', '/os-quota-sets/{project_id}', quota_delete)


def services(req):
    policies.authorize(req.context, 'volume_extension:services:index')
    wanted_binary = req.params.get('binary')
    wanted_host = req.params.get('host')
    out = []
    for svc in common.conductor().service_list(req.context):
        binary = BINARIES.get(svc['binary'])
        if binary is None or (wanted_binary and binary != wanted_binary):
            continue
        if wanted_host and svc['host'] != wanted_host and \
                svc['host'].split('@')[0] != wanted_host:
            continue
        entry = {'binary': binary, 'host': svc['host'],
                 'zone': svc['availability_zone'] or CONF.volume.availability_zone,
                 'status': 'disabled' if svc['disabled'] else 'enabled',
                 'state': 'up' if svc['up'] else 'down',
                 'updated_at': svc['last_seen_at'],
                 'disabled_reason': svc['disabled_reason']}
        if req.at_least(7):
            entry['cluster'] = None
        if req.at_least(49) and binary == 'cinder-volume':
            entry['backend_state'] = 'up' if svc['up'] else 'down'
        out.append(entry)
    return {'services': out}


def zones(req):
    policies.authorize(req.context, 'volume_extension:availability_zone_list')
    found = {}
    for svc in common.conductor().service_list(req.context, binary='alto-volume'):
        zone = svc['availability_zone'] or CONF.volume.availability_zone
        found[zone] = found.get(zone, False) or (svc['up'] and not svc['disabled'])
    return {'availabilityZoneInfo': [{'zoneName': z, 'zoneState': {'available': up}}
                                     for z, up in sorted(found.items())]}


def limits(req):
    policies.authorize(req.context, 'limits_extension:used_limits')
    project = req.context.project_id
    api = common.conductor()
    limit = api.quota_get(req.context, project)
    used = api.usage(req.context, project)
    return {'limits': {'rate': [], 'absolute': {
        'maxTotalVolumes': limit['volumes'], 'maxTotalSnapshots': limit['snapshots'],
        'maxTotalVolumeGigabytes': limit['gigabytes'], 'maxTotalBackups': limit['backups'],
        'maxTotalBackupGigabytes': limit['backup_gigabytes'],
        'totalVolumesUsed': used['volumes'], 'totalSnapshotsUsed': used['snapshots'],
        'totalGigabytesUsed': used['gigabytes'], 'totalBackupsUsed': used['backups'],
        'totalBackupGigabytesUsed': used['backup_gigabytes']}}}


def _quota_body(project_id, limits, used=None):
    body = {'id': project_id}
    for key in QUOTA_KEYS:
        if used is None:
            body[key] = limits[key]
        else:
            body[key] = {'limit': limits[key], 'in_use': used.get(key, 0), 'reserved': 0,
                         'allocated': 0}
    return {'quota_set': body}


def quota_show(req, project_id):
    policies.authorize(req.context, 'volume_extension:quotas:show', project_id)
    api = common.conductor()
    usage = req.params.get('usage')
    used = api.usage(req.context, project_id) \
        if usage not in (None, '') and common.boolean(usage, 'usage') else None
    return _quota_body(project_id, api.quota_get(req.context, project_id), used)


def quota_defaults(req, project_id):
    policies.authorize(req.context, 'volume_extension:quotas:defaults', project_id)
    return _quota_body(project_id, common.conductor().quota_defaults(req.context))


def quota_update(req, project_id):
    policies.authorize(req.context, 'volume_extension:quotas:update', project_id)
    body = common.body_of(req, 'quota_set')
    limits = {}
    for key, value in body.items():
        if key in ('id', 'tenant_id'):
            continue
        if key not in QUOTA_KEYS:
            raise exception.InvalidInput(reason='Bad key(s) in quota set: %s' % key)
        limits[key] = common.integer(value, key, -1)
    api = common.conductor()
    used = api.usage(req.context, project_id)
    for key in ('volumes', 'snapshots', 'gigabytes'):
        if key in limits and 0 <= limits[key] < used[key]:
            raise exception.InvalidInput(
                reason='Quota %s limit must be equal or greater than existing resources. '
                       'Current usage is %d and the requested limit is %d.'
                       % (key, used[key], limits[key]))
    return _quota_body(project_id, api.quota_update(req.context, project_id, limits))


def quota_delete(req, project_id):
    policies.authorize(req.context, 'volume_extension:quotas:delete', project_id)
    common.conductor().quota_delete(req.context, project_id)
    return router.Response(None, 200)
