"""The expiry queue of a device: where the object server records every
object written with ``X-Delete-At``, and where the expirer finds them.

``<device>/expiring/<day>/<delete_at>-<name_hash>`` (``day`` is
``delete_at // 86400``), a small JSON file naming the object.  The entry
lives on the device that holds the replica, so each replica is expired by
the node that stores it (see ``expirer.py``); entries are never rewritten,
and one made stale by a later PUT or POST is dropped when the object server
refuses the expiring DELETE.
"""

import json
import os

from services.objectstore.common import devices

DAY = 86400


def _dir(device_path):
    return os.path.join(device_path, 'expiring')


def entry_path(device_path, delete_at, name_hash):
    return os.path.join(_dir(device_path), '%d' % (delete_at // DAY),
                        '%010d-%s' % (delete_at, name_hash))


def record(device_path, delete_at, name_hash, account, container, obj):
    path = entry_path(device_path, delete_at, name_hash)
    devices.makedirs(device_path, os.path.dirname(path))
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump({'delete_at': delete_at, 'account': account, 'container': container,
                   'obj': obj}, f)
    os.replace(tmp, path)
    return path


def entry_of_file(device_path, name_hash, file_path):
    """The entry (dict) this device holds for the expiry a ``.data`` or
    ``.meta`` file sets, or None: sent along when the file is replicated,
    so the replica that receives it expires on its own too."""
    from services.objectstore.object import diskfile
    try:
        delete_at = int(diskfile.file_metadata(file_path).get('X-Delete-At') or 0)
        if delete_at <= 0:
            return None
        with open(entry_path(device_path, delete_at, name_hash)) as f:
            return json.load(f)
    except (OSError, ValueError, AttributeError):
        return None


def due(device_path, now):
    """``(path, entry)`` of every entry whose time has come, oldest first."""
    base = _dir(device_path)
    try:
        days = sorted(os.listdir(base), key=lambda d: int(d) if d.isdigit() else -1)
    except FileNotFoundError:
        return
    for day in days:
        if not day.isdigit():
            continue
        if int(day) * DAY > now:
            return
        directory = os.path.join(base, day)
        for name in sorted(os.listdir(directory)):
            if name.endswith('.tmp'):
                continue
            if int(name.partition('-')[0]) > now:
                return
            path = os.path.join(directory, name)
            try:
                with open(path) as f:
                    yield path, json.load(f)
            except (OSError, ValueError):
                continue
        remove(directory)


def remove(path):
    """Remove an entry (or an emptied day directory)."""
    try:
        if os.path.isdir(path):
            os.rmdir(path)
        else:
            os.unlink(path)
    except OSError:
        pass
