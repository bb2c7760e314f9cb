"""Attachment bodies (the v3 attachments API, 3.27+)."""


def summary(attachment):
    # ``connecting``: a create still waiting for its export (reserved to the user)
    status = attachment['attach_status']
    return {'id': attachment['id'], 'status': 'reserved' if status == 'connecting' else status,
            'instance': attachment['instance_uuid'], 'volume_id': attachment['volume_id']}


def detail(attachment):
    return dict(summary(attachment), attached_at=attachment['attached_at'],
                detached_at=attachment['detached_at'], attach_mode=attachment['attach_mode'],
                connection_info=attachment['connection_info'] or {})
