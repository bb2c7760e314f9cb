"""/os-assisted-volume-snapshots: snapshots of attached file volumes that
the volume service asks compute to take (its remotefs backends: the guest
has the file open, so only the hypervisor can switch it to an overlay or
merge overlays away); a service-role (or admin) API.

Create and delete find the server the volume is attached to and cast the
work to its host, which reports the outcome to the volume service with
``os-update_snapshot_status``.  As in nova, a volume attached to no server,
a multi-attach volume, a server on no host or busy with a task are 400s.
"""

from common import validation
from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api import volume_api
from services.compute.api.controllers import common
from services.compute.api.schemas import assisted_volume_snapshots as schemas


def register(r):
    r.add('POST', '/os-assisted-volume-snapshots', create)
    r.add('DELETE', '/os-assisted-volume-snapshots/{snapshot_id}', delete)


def create(req):
    body = common.validate(schemas.create, req.body)['snapshot']
    # No owner in the target: the volume service's user asks for volumes of
    # any project, so only its role counts (nova passes an empty target).
    policies.authorize(req.context, 'os-assisted-volume-snapshots:create', target={})
    create_info = body['create_info']
    volume_api.snapshot_create(req.context, body['volume_id'], create_info)
    # nova answers the caller's ``id`` (an arbitrary string it passes back);
    # without one, the snapshot's own id rather than null.
    return {'snapshot': {'id': create_info.get('id') or create_info['snapshot_id'],
                         'volumeId': body['volume_id']}}


def delete(req, snapshot_id):
    extra = sorted(set(req.params) - {'delete_info'})
    if extra and req.at_least(75):  # 2.75: unknown query parameters are refused
        raise exception.Invalid(reason="Additional properties are not allowed ('%s' was "
                                       'unexpected)' % extra[0])
    policies.authorize(req.context, 'os-assisted-volume-snapshots:delete', target={})
    raw = req.params.get('delete_info')
    if not raw:
        raise exception.Invalid(reason="The 'delete_info' query parameter is required.")
    # The body parser's rules: no lone surrogates, NULs, NaN or deep nesting.
    delete_info = validation.parse_json(raw)
    if not isinstance(delete_info, dict):
        raise exception.Invalid(reason='delete_info must be a JSON object.')
    common.validate(schemas.delete_info, delete_info)
    volume_api.snapshot_delete(req.context, delete_info['volume_id'], snapshot_id,
                               delete_info)
    return router.Response(None, 204)
