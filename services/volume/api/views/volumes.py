"""The volume bodies cinder answers, by microversion."""

from services.volume.api import policies
from services.volume.api.controllers import common


def attachment_summary(attachment):
    """One entry of a volume's ``attachments`` list."""
    return {'server_id': attachment['instance_uuid'], 'attachment_id': attachment['id'],
            'attached_at': attachment['attached_at'], 'host_name': attachment['attached_host'],
            'volume_id': attachment['volume_id'], 'device': attachment['mountpoint'],
            'id': attachment['volume_id']}


def host_with_pool(host):
    """``host@backend#pool`` as cinder shows it; a backend here is one pool,
    named after the backend (as cinder's single-pool drivers name theirs)."""
    if not host or '#' in host:
        return host
    return '%s#%s' % (host, host.partition('@')[2] or host)


def summary(req, volume):
    return {'id': volume['id'], 'name': volume['name'],
            'links': common.links(req, 'volumes', volume['id'])}


def detail(req, volume, extended=True):
    """The volume as show and list detail give it; ``extended`` False for
    the create and update answers, which carry none of the attributes that
    cinder's extensions add to GETs (owner, host, image metadata)."""
    ctx = req.context
    body = {
        'id': volume['id'], 'name': volume['name'], 'description': volume['description'],
        'status': volume['status'], 'size': volume['size'],
        'availability_zone': volume['availability_zone'],
        'created_at': volume['created_at'], 'updated_at': volume['updated_at'],
        'attachments': [attachment_summary(a) for a in volume['attachments']
                        if a['attach_status'] == 'attached'],
        'volume_type': volume['volume_type_name'], 'snapshot_id': volume['snapshot_id'],
        'source_volid': volume['source_volid'],
        # as cinder, with the visible admin metadata (``readonly`` once set)
        'metadata': dict(volume['metadata'], **(volume.get('admin_metadata') or {})),
        'links': common.links(req, 'volumes', volume['id']), 'user_id': volume['user_id'],
        'bootable': 'true' if volume['bootable'] else 'false', 'encrypted': False,
        'replication_status': None, 'consistencygroup_id': None,
        'multiattach': volume['multiattach'],
        'migration_status': volume.get('migration_status'),
    }
    if extended:
        _extend(ctx, volume, body)
    if req.at_least(13):
        body['group_id'] = None
    if req.at_least(21):
        body['provider_id'] = None
    if req.at_least(48):
        body['shared_targets'] = False
        body['service_uuid'] = None
    if req.at_least(61) and 'os-vol-host-attr:host' in body:
        body['cluster_name'] = None
    if req.at_least(63):
        body['volume_type_id'] = volume['volume_type_id']
    if req.at_least(64):
        body['encryption_key_id'] = None
    if req.at_least(65):
        body['consumes_quota'] = True
    return body


def _extend(ctx, volume, body):
    if policies.authorize(ctx, 'volume_extension:volume_tenant_attribute',
                          volume['project_id'], do_raise=False):
        body['os-vol-tenant-attr:tenant_id'] = volume['project_id']
    if policies.authorize(ctx, 'volume_extension:volume_host_attribute', do_raise=False):
        body['os-vol-host-attr:host'] = host_with_pool(volume['host'])
        body['os-vol-mig-status-attr:migstat'] = volume.get('migration_status')
        body['os-vol-mig-status-attr:name_id'] = None
    if volume.get('image_metadata'):
        body['volume_image_metadata'] = volume['image_metadata']
