"""Request paths and names.

Storage servers are reached at ``/<device>/<partition>/<account>[/<container>
[/<object>]]``; the API at ``/v1/<account>[/<container>[/<object>]]``.
"""

import urllib.parse

MAX_ACCOUNT_NAME = 256
MAX_CONTAINER_NAME = 256
MAX_OBJECT_NAME = 1024


class BadPath(ValueError):
    pass


def split_backend_path(path):
    """``(device, partition, account, container, object)``; the last two may
    be None.  Object names may contain slashes."""
    parts = path.lstrip('/').split('/', 4)
    if len(parts) < 3 or not all(parts[:3]):
        raise BadPath('expected /device/partition/account[/container[/object]]')
    device, part, account = parts[:3]
    if not part.isdigit() or device in ('.', '..') or '/' in device:
        raise BadPath('bad device or partition')
    container = parts[3] if len(parts) > 3 and parts[3] else None
    obj = parts[4] if len(parts) > 4 and parts[4] else None
    if len(parts) > 4 and container is None:
        raise BadPath('an object needs its container')
    return device, int(part), account, container, obj


def split_api_path(path):
    """``(version, account, container, object)`` of ``/v1/...``; None where
    absent."""
    parts = path.lstrip('/').split('/', 3)
    if len(parts) < 2 or parts[0] != 'v1' or not parts[1]:
        raise BadPath('expected /v1/<account>[/<container>[/<object>]]')
    account = parts[1]
    container = parts[2] if len(parts) > 2 and parts[2] else None
    obj = parts[3] if len(parts) > 3 and parts[3] else None
    if len(parts) > 3 and parts[3] and container is None:
        raise BadPath('an object needs its container')
    return parts[0], account, container, obj


def check_names(account, container=None, obj=None):
    """Raise BadPath for a name the API refuses (length, NUL)."""
    for name, limit, what in ((account, MAX_ACCOUNT_NAME, 'account'),
                              (container, MAX_CONTAINER_NAME, 'container'),
                              (obj, MAX_OBJECT_NAME, 'object')):
        if name is None:
            continue
        if len(name.encode('utf-8')) > limit:
            raise BadPath('%s name longer than %d bytes' % (what, limit))
        if '\x00' in name:
            raise BadPath('%s name holds a NUL' % what)


def quote(text):
    return urllib.parse.quote(text, safe='/')


def backend_path(device, part, account, container=None, obj=None):
    parts = [device, str(part), account] + [p for p in (container, obj) if p is not None]
    return quote('/' + '/'.join(parts))


def wsgi_path(environ):
    """PATH_INFO as text (PEP 3333 keeps the raw bytes in latin-1)."""
    raw = environ.get('PATH_INFO', '')
    try:
        return raw.encode('latin-1').decode('utf-8')
    except UnicodeEncodeError:
        return raw
    except UnicodeDecodeError:
        raise BadPath('the path is not valid UTF-8')
