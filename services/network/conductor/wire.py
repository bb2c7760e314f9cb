"""The form listings take on the RPC hop: their JSON, rendered once, compressed.

A listing of 2000 ports is 2000 dicts that repeat the same 30 keys. The
conductor reads it column by column (:class:`Columns`), renders the items'
JSON once with orjson and sends it zlib-compressed (a tenth of the size) and
base64-encoded, so the JSON envelope oslo.messaging wraps around every
message carries one short plain string instead of thousands of values to
encode and decode again. The API puts the items into its response as they
are. Imported by the API, so nothing here touches the database.
"""

import base64
import json
import zlib

import orjson

#: Bumped if the packed layout ever changes; decoders refuse what they do not know.
FORMAT = 2


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


def dumps(document):
    """JSON bytes: orjson, or json for what orjson refuses (lone surrogates,
    integers past 64 bits, non-string keys)."""
    try:
        return orjson.dumps(document)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(document, default=str).encode('utf-8')


class Listing:
    """One page of a listing: its items as a JSON array (bytes), how many
    there are, and the id of the last one (the next page's marker)."""

    __slots__ = ('items_json', 'count', 'last_id')

    def __init__(self, items_json, count, last_id):
        self.items_json = items_json
        self.count = count
        self.last_id = last_id

    def items(self):
        return json.loads(self.items_json)


def render(columns, shown=None):
    """The :class:`Listing` of ``columns``, showing only keys for which
    ``shown(key)`` is true (all if None); the last id is kept either way."""
    last_id = (columns.column('id')[-1] if len(columns) and 'id' in columns.keys
               else None)
    if shown is not None:
        columns = columns.select(shown)
    return Listing(dumps(columns.to_dicts()), len(columns), last_id)


def render_dicts(items, shown=None):
    """The :class:`Listing` of a list of dicts (resources without a column reader)."""
    last_id = items[-1].get('id') if items else None
    if shown is not None:
        items = [{k: v for k, v in item.items() if shown(k)} for item in items]
    return Listing(dumps(items), len(items), last_id)


def shown_keys(fields=None, hidden=None):
    """The ``shown`` test for ``fields`` (only those, if given) less ``hidden``."""
    if not fields and not hidden:
        return None
    fields, hidden = set(fields or ()), set(hidden or ())
    return lambda key: key not in hidden and (not fields or key in fields)


def encode(listing):
    return {'format': FORMAT, 'count': listing.count, 'last_id': listing.last_id,
            'items': base64.b64encode(zlib.compress(listing.items_json, 1)).decode('ascii')}


def decode(packed):
    try:
        if packed['format'] != FORMAT:
            raise ValueError('format %r is not %d' % (packed['format'], FORMAT))
        items = zlib.decompress(base64.b64decode(packed['items'], validate=True))
        return Listing(items, int(packed['count']), packed['last_id'])
    except (KeyError, TypeError, ValueError, zlib.error) as exc:
        raise ValueError('not a packed listing: %s' % exc)
