"""User messages: what the project reads when asynchronous work failed
(``GET /messages``).  Events are cinder's: ``VOLUME_<resource>_<action>_<detail>``,
the user message is "<action>: <detail>"."""

RESOURCE_VOLUME = 'VOLUME'
RESOURCE_SNAPSHOT = 'VOLUME_SNAPSHOT'

#: action id: what was being done
ACTIONS = {
    '001': 'schedule allocate volume',
    '003': 'copy volume to image',
    '004': 'copy image to volume',
    '006': 'extend volume',
    '007': 'create volume from backend storage',
    '008': 'snapshot create',
    '009': 'snapshot delete',
    '011': 'retype volume',
    '022': 'reimage volume',
}
SCHEDULE = '001'
UPLOAD = '003'
FROM_IMAGE = '004'
EXTEND = '006'
CREATE = '007'
SNAPSHOT_CREATE = '008'
SNAPSHOT_DELETE = '009'
RETYPE = '011'
REIMAGE = '022'

#: detail id: why it failed
DETAILS = {
    '001': 'An unknown error occurred.',
    '003': 'Could not find any available weighted backend.',
    '004': 'Failed to upload volume to image at image service.',
    '006': 'Volume driver failed to complete the operation.',
}
UNKNOWN = '001'
NO_BACKEND = '003'
UPLOAD_FAILED = '004'
DRIVER_FAILED = '006'


def event_id(resource_type, action, detail):
    return 'VOLUME_%s_%s_%s' % (resource_type, action, detail)


def user_message(event):
    """"<action>: <detail>" from an event id."""
    action, detail = event.rsplit('_', 2)[-2:]
    return '%s: %s' % (ACTIONS.get(action, 'unknown action'),
                       DETAILS.get(detail, DETAILS[UNKNOWN]))
