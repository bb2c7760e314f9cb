"""JSON schema for console URL requests (remote-consoles and the legacy
os-getVNCConsole action)."""

PROTOCOLS = ['vnc', 'spice', 'rdp', 'serial', 'mks']
TYPES = ['novnc', 'xvpvnc', 'rdp-html5', 'spice-html5', 'serial', 'webmks']

create = {
    'type': 'object',
    'properties': {
        'remote_console': {
            'type': 'object',
            'properties': {
                'protocol': {'type': 'string', 'enum': PROTOCOLS},
                'type': {'type': 'string', 'enum': TYPES},
            },
            'required': ['protocol', 'type'],
            'additionalProperties': False,
        },
    },
    'required': ['remote_console'],
    'additionalProperties': False,
}

get_vnc_console = {
    'type': 'object',
    'properties': {'type': {'type': 'string', 'enum': ['novnc', 'xvpvnc']}},
    'required': ['type'],
    'additionalProperties': False,
}
