"""Metadata headers of accounts, containers and objects.

Account and container metadata are kept as ``{header: [value, timestamp]}``
and merged key by key, newest wins; an empty value (or an
``X-Remove-<Kind>-Meta-*`` header) removes the key.
"""

#: container access lists
CONTAINER_ACL_HEADERS = ('X-Container-Read', 'X-Container-Write')
#: container headers kept with the user metadata (access lists, versioning)
CONTAINER_SYSTEM_HEADERS = CONTAINER_ACL_HEADERS + ('X-Versions-Location',
                                                    'X-History-Location')

MAX_META_NAME = 128
MAX_META_VALUE = 256
MAX_META_OVERALL = 4096


class BadMetadata(ValueError):
    pass


def title(name):
    return '-'.join(p.capitalize() for p in name.split('-'))


def updates_from_headers(headers, kind, system=()):
    """``{header: value}`` the request sets (value '' removes it).

    ``kind`` is ``Account``, ``Container`` or ``Object``.
    """
    prefix = 'x-%s-meta-' % kind.lower()
    remove = 'x-remove-%s-meta-' % kind.lower()
    wanted = {h.lower(): h for h in system}
    remove_system = {'x-remove-' + h.lower()[2:]: h for h in system}
    updates = {}
    for name, value in headers.items():
        low = name.lower()
        if low.startswith(prefix) and len(low) > len(prefix):
            updates[title(low)] = value.strip()
        elif low.startswith(remove) and len(low) > len(remove):
            updates[title(prefix + low[len(remove):])] = ''
        elif low in wanted:
            updates[wanted[low]] = value.strip()
        elif low in remove_system:
            updates[remove_system[low]] = ''
    return updates


def check(updates, kind, max_count=90, existing=None):
    """Raise BadMetadata for names or values over Swift's limits."""
    prefix_len = len('X-%s-Meta-' % kind)
    count = 0
    size = 0
    merged = dict(existing or {})
    merged.update(updates)
    for name, value in merged.items():
        if not value or not name.lower().startswith('x-%s-meta-' % kind.lower()):
            continue
        key = name[prefix_len:]
        if len(key) > MAX_META_NAME:
            raise BadMetadata('Metadata name too long: %s' % name)
        if len(value) > MAX_META_VALUE:
            raise BadMetadata('Metadata value longer than %d: %s' % (MAX_META_VALUE, name))
        count += 1
        size += len(key) + len(value)
    if count > max_count:
        raise BadMetadata('Too many metadata items; max %d' % max_count)
    if size > MAX_META_OVERALL:
        raise BadMetadata('Total metadata too large; max %d' % MAX_META_OVERALL)


def merge(stored, updates, timestamp):
    """Merge ``updates`` made at ``timestamp`` into ``stored``, newest wins."""
    result = dict(stored)
    for name, value in updates.items():
        old = result.get(name)
        if old is None or old[1] <= timestamp:
            result[name] = [value, timestamp]
    return result


def visible(stored):
    """``{header: value}`` of what is set (removed keys are empty)."""
    return {name: value for name, (value, _) in stored.items() if value != ''}


def sent_content_type(environ):
    """The Content-Type the client sent, or None.

    eventlet's server puts ``text/plain`` in ``CONTENT_TYPE`` when the
    request had none; its ``headers_raw`` tells the two apart."""
    raw = environ.get('headers_raw')
    if raw is None:
        return environ.get('CONTENT_TYPE') or None
    for name, value in raw:
        if name.lower() == 'content-type':
            return value
    return None
