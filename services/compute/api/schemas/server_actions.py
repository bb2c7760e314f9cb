"""JSON schemas for POST /servers/{id}/action, one per action.

Each schema validates the whole body (``{"<action>": ...}``), so a wrong type
anywhere is a 400 before the handler runs.  Actions that take no argument
accept ``null`` or an empty object, as the clients send one or the other.
"""

from services.compute.api.schemas import consoles
from services.compute.api.schemas import types


def _action(name, argument):
    return {'type': 'object', 'properties': {name: argument}, 'required': [name],
            'additionalProperties': False}


def _object(properties=None, required=(), nullable=False):
    schema = {'type': ['object', 'null'] if nullable else 'object',
              'properties': properties or {}, 'additionalProperties': False}
    if required:
        schema['required'] = list(required)
    return schema


NO_ARGUMENT = _object(nullable=True)

reboot = _object({'type': {'type': 'string',
                           'enum': ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']}},
                 required=['type'])
resize = _object({'flavorRef': types.flavor_ref,
                  'OS-DCF:diskConfig': {'enum': ['AUTO', 'MANUAL']}},
                 required=['flavorRef'])
rebuild = _object({'imageRef': types.image_ref, 'name': types.name,
                   'description': types.description, 'adminPass': types.admin_password,
                   'metadata': types.metadata, 'preserve_ephemeral': {'type': 'boolean'},
                   'OS-DCF:diskConfig': {'enum': ['AUTO', 'MANUAL']},
                   'accessIPv4': {'type': 'string', 'format': 'ipv4'},
                   'accessIPv6': {'type': 'string', 'format': 'ipv6'},
                   'personality': {'type': 'array', 'maxItems': 0},
                   'key_name': {'type': ['string', 'null'], 'minLength': 1,
                                'maxLength': 255},
                   'user_data': {'type': ['string', 'null'], 'maxLength': 65535},
                   'trusted_image_certificates': types.trusted_certs,
                   'hostname': types.hostname},
                  required=['imageRef'])
#: rebuild's fields by microversion: the first that takes each, the last.
REBUILD_SINCE = {'key_name': 54, 'user_data': 57, 'trusted_image_certificates': 63,
                 'hostname': 90}
REBUILD_UNTIL = {'personality': 56}
unshelve = _object({'availability_zone': {'type': ['string', 'null'], 'minLength': 1,
                                           'maxLength': 255},
                    'host': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
                   nullable=True)
UNSHELVE_SINCE = {'availability_zone': 77, 'host': 91}
create_image = _object({'name': types.name, 'metadata': types.metadata}, required=['name'])
create_backup = _object({'name': types.name, 'backup_type': {'type': 'string'},
                         'rotation': types.int_or_digits(),
                         'metadata': types.metadata},
                        required=['name', 'backup_type', 'rotation'])
lock = _object({'locked_reason': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
               nullable=True)
console_output = _object({'length': {'type': ['integer', 'string', 'null'],
                                     'pattern': '^-?[0-9]+$', 'minimum': -1,
                                     'maximum': types.MAX_INT}}, nullable=True)
evacuate = _object({'host': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                    'onSharedStorage': types.boolean, 'adminPass': types.admin_password},
                   nullable=True)
reset_state = _object({'state': {'enum': ['active', 'error']}}, required=['state'])
security_group = _object({'name': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
                         required=['name'])
_ip_address = {'type': 'string', 'anyOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}
add_floating_ip = _object({'address': _ip_address, 'fixed_address': _ip_address},
                          required=['address'])
remove_floating_ip = _object({'address': _ip_address}, required=['address'])
add_fixed_ip = _object({'networkId': {'type': ['string', 'integer'], 'minLength': 1,
                                      'maxLength': 255}}, required=['networkId'])
remove_fixed_ip = _object({'address': _ip_address}, required=['address'])
rescue = _object({'adminPass': types.admin_password, 'rescue_image_ref': types.uuid},
                 nullable=True)

change_password = _object({'adminPass': types.admin_password}, required=['adminPass'])

#: action name -> schema of its argument
ARGUMENTS = {
    'reboot': reboot,
    'resize': resize,
    'rebuild': rebuild,
    'unshelve': unshelve,
    'createImage': create_image,
    'createBackup': create_backup,
    'lock': lock,
    'os-getConsoleOutput': console_output,
    'evacuate': evacuate,
    'os-resetState': reset_state,
    'addSecurityGroup': security_group,
    'removeSecurityGroup': security_group,
    'rescue': rescue,
    'os-getVNCConsole': consoles.get_vnc_console,
    'addFloatingIp': add_floating_ip,
    'removeFloatingIp': remove_floating_ip,
    'addFixedIp': add_fixed_ip,
    'removeFixedIp': remove_fixed_ip,
    'changePassword': change_password,
}

_BODIES = {}


def body(name):
    """The schema of a whole action body for action ``name``."""
    if name not in _BODIES:
        _BODIES[name] = _action(name, ARGUMENTS.get(name, NO_ARGUMENT))
    return _BODIES[name]
