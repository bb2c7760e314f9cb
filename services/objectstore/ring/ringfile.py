"""The ring file: what every server loads to find replicas.

Format (our own): gzip-compressed JSON ``{"format": "alto-ring/1",
"part_power", "replicas", "devices": [...], "assignments": [...]}`` where
``assignments[r]`` is the base64 of the device ids (unsigned 16-bit,
little-endian) holding replica ``r`` of every partition.  Files are written
to a temporary name in the same directory and renamed over the old one, so a
reader never sees half a ring.
"""

import array
import base64
import gzip
import json
import os
import sys
import tempfile

FORMAT = 'alto-ring/1'
RING_TYPES = ('account', 'container', 'object')

#: what a device entry keeps in the ring file
DEVICE_FIELDS = ('id', 'region', 'zone', 'ip', 'port', 'device', 'weight')


def ring_path(ring_dir, ring_type):
    return os.path.join(ring_dir, '%s.ring.gz' % ring_type)


def builder_path(ring_dir, ring_type):
    return os.path.join(ring_dir, '%s.builder' % ring_type)


def _pack(ids):
    table = array.array('H', ids)
    if sys.byteorder != 'little':
        table.byteswap()
    return base64.b64encode(table.tobytes()).decode('ascii')


def _unpack(text):
    table = array.array('H')
    table.frombytes(base64.b64decode(text))
    if sys.byteorder != 'little':
        table.byteswap()
    return table


def atomic_write(path, data):
    """Write ``data`` (bytes) to ``path`` through a rename in its directory."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.tmp-')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_ring(path, part_power, replicas, devices, assignments):
    """``devices``: dicts with DEVICE_FIELDS; ``assignments``: one list of
    device ids per replica, indexed by partition."""
    body = {
        'format': FORMAT,
        'part_power': part_power,
        'replicas': replicas,
        'devices': [{k: d[k] for k in DEVICE_FIELDS} for d in devices],
        'assignments': [_pack(row) for row in assignments],
    }
    atomic_write(path, gzip.compress(json.dumps(body).encode('utf-8'), mtime=0))


class RingData:
    def __init__(self, part_power, replicas, devices, assignments):
        self.part_power = part_power
        self.replicas = replicas
        self.devices = devices   # id -> device dict
        self.assignments = assignments


def read_ring(path):
    with open(path, 'rb') as f:
        body = json.loads(gzip.decompress(f.read()).decode('utf-8'))
    if body.get('format') != FORMAT:
        raise ValueError('%s is not a ring file of format %s' % (path, FORMAT))
    devices = {d['id']: d for d in body['devices']}
    assignments = [_unpack(row) for row in body['assignments']]
    parts = 1 << body['part_power']
    if any(len(row) != parts for row in assignments):
        raise ValueError('%s: an assignment row does not cover every partition' % path)
    return RingData(body['part_power'], body['replicas'], devices, assignments)
