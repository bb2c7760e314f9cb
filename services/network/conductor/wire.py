"""The compact form listings take on the RPC hop: columns, packed with msgpack.

A listing of 2000 ports is 2000 dicts that repeat the same 30 keys. On the
wire it travels as the key list once plus one value list per key, packed by
msgpack (C) and base64-encoded so the JSON envelope oslo.messaging wraps
around every message carries it as one plain string (no per-value JSON work
on either side). Imported by the API, so nothing here touches the database.
"""

import base64

import msgpack
from oslo_serialization import jsonutils

#: Bumped if the packed layout ever changes; decoders refuse what they do not know.
FORMAT = 1


class Columns:
    """A listing held column by column: ``keys[i]`` names ``columns[i]``.

    The row count is kept apart so a listing narrowed to no known attribute
    (``fields=unknown``) still has one (empty) item per row.
    """

    __slots__ = ('keys', 'columns', 'count')

    def __init__(self, keys, columns, count=None):
        if len(keys) != len(columns):
            raise ValueError('%d keys for %d columns' % (len(keys), len(columns)))
        self.keys = list(keys)
        self.columns = [c if isinstance(c, list) else list(c) for c in columns]
        lengths = {len(c) for c in self.columns}
        if count is None:
            count = lengths.pop() if lengths else 0
        if lengths - {count}:
            raise ValueError('columns of different lengths')
        self.count = count

    def __len__(self):
        return self.count

    def __eq__(self, other):
        return (isinstance(other, Columns) and self.keys == other.keys
                and self.columns == other.columns and self.count == other.count)

    def column(self, key):
        return self.columns[self.keys.index(key)]

    def select(self, keep):
        """Only the keys for which ``keep(key)`` is true, in the same order."""
        pairs = [(k, c) for k, c in zip(self.keys, self.columns) if keep(k)]
        return Columns([k for k, _ in pairs], [c for _, c in pairs], self.count)

    def to_dicts(self):
        if not self.columns:
            return [{} for _ in range(self.count)]
        keys = self.keys
        return [dict(zip(keys, row)) for row in zip(*self.columns)]


def from_dicts(items):
    """Columns for a list of dicts; a key missing from an item reads as None."""
    keys = list(dict.fromkeys(key for item in items for key in item))
    return Columns(keys, [[item.get(k) for item in items] for k in keys], len(items))


def _primitive(value):
    # Whatever the JSON envelope would have turned into a plain value (sets,
    # datetimes, ...) becomes the same plain value here.
    return jsonutils.to_primitive(value, convert_instances=True)


def encode(columns):
    packed = msgpack.packb([FORMAT, columns.count, columns.keys, columns.columns],
                           use_bin_type=True, default=_primitive)
    return base64.b64encode(packed).decode('ascii')


def decode(text):
    try:
        version, count, keys, columns = msgpack.unpackb(
            base64.b64decode(text, validate=True), raw=False, strict_map_key=False)
    except (ValueError, TypeError, msgpack.UnpackException) as exc:
        raise ValueError('not a packed listing: %s' % exc)
    if version != FORMAT:
        raise ValueError('packed listing format %r is not %d' % (version, FORMAT))
    return Columns(keys, columns, count)
