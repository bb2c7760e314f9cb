"""Attachment bodies (the v3 attachments API, 3.27+)."""


def summary(attachment):
    return {'id': attachment['id'], 'status': attachment['attach_status'],
            'instance': attachment['instance_uuid'], 'volume_id': attachment['volume_id']}


def detail(attachment):
    return dict(summary(attachment), attached_at=attachment['attached_at'],
                detached_at=attachment['detached_at'], attach_mode=attachment['attach_mode'],
                connection_info=attachment['connection_info'] or {})
