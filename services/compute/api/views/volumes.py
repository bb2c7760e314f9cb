"""nova's shapes of the volume service's volumes and snapshots, for the
deprecated os-volumes / os-snapshots proxies (camelCase, as nova's
volume extension always answered)."""


def attachment(volume_id, item):
    return {'id': volume_id, 'volumeId': volume_id, 'serverId': item.get('server_id'),
            'device': item.get('device')}


def volume(item):
    attachments = [attachment(item['id'], a) for a in item.get('attachments') or []
                   if a.get('server_id')]
    return {
        'id': item['id'],
        'status': item.get('status'),
        'size': item.get('size'),
        'availabilityZone': item.get('availability_zone'),
        'createdAt': item.get('created_at'),
        'displayName': item.get('name'),
        'displayDescription': item.get('description'),
        'volumeType': item.get('volume_type'),
        'snapshotId': item.get('snapshot_id'),
        'metadata': dict(item.get('metadata') or {}),
        # nova's mark of a volume attached nowhere: one empty attachment
        'attachments': [{k: v for k, v in a.items() if v is not None}
                        for a in attachments] or [{}],
    }


def snapshot(item):
    return {
        'id': item['id'],
        'volumeId': item.get('volume_id'),
        'status': item.get('status'),
        'size': item.get('size'),
        'createdAt': item.get('created_at'),
        'displayName': item.get('name'),
        'displayDescription': item.get('description'),
    }
