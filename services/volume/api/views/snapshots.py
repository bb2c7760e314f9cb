"""The snapshot bodies cinder answers, by microversion."""

from services.volume.api import policies


def detail(req, snapshot, extended=True):
    """``extended`` False for the create and update answers and the summary
    list: cinder adds the ``os-extended-snapshot-attributes`` to a show and
    the detailed list only."""
    body = {'id': snapshot['id'], 'name': snapshot['name'],
            'description': snapshot['description'], 'volume_id': snapshot['volume_id'],
            'status': snapshot['status'], 'size': snapshot['size'],
            'created_at': snapshot['created_at'], 'updated_at': snapshot['updated_at'],
            'metadata': snapshot['metadata']}
    if extended and policies.authorize(
            req.context, 'volume_extension:extended_snapshot_attributes',
            snapshot['project_id'], do_raise=False):
        body['os-extended-snapshot-attributes:progress'] = snapshot['progress']
        body['os-extended-snapshot-attributes:project_id'] = snapshot['project_id']
    if req.at_least(14):
        body['group_snapshot_id'] = None
    if req.at_least(41):
        body['user_id'] = snapshot['user_id']
    if req.at_least(65):
        body['consumes_quota'] = True
    return body
