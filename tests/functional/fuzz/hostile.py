"""Hostile input, by class, and the requests that carry it.

Each class has a tag that travels with the request into any finding, so a
report groups server errors by the kind of input that caused them:

nesting      JSON nested thousands deep, whole body or inside one field
surrogate    lone UTF-16 surrogates (``"\\ud800"`` escapes, or raw in UTF-8)
control      NUL, ESC, CR/LF and other control characters in strings
range        numbers past 64 bits, negative, 1e308, NaN, fractions
long         strings far past any column size
type         a field of the wrong JSON type
missing-key  one key of the baseline left out
unknown-key  a key no schema knows
malformed    bodies that are not JSON, not UTF-8, or the wrong top-level type
oversize     a well-formed body past the APIs' body size limit
method       every other method on a URL (DELETE only on collections)
query        odd query strings: limit, marker, sort, filters (also repeated), bad encodings
content-type a body sent as something other than what the endpoint takes
slash        trailing slash, doubled slash, an extra path segment
auth         garbage tokens
"""

import json
import urllib.parse

from hypothesis import strategies as st

from tests.functional.fuzz import client
from tests.functional.fuzz import endpoints as catalog

DEEP = '"__fz_deep__"'

VALUES = {
    'surrogate': ['\ud800', 'fz\udc00fz', '\udfff\ud800'],
    'control': ['\x00', 'fz\x1b[31m\r\n2026-11-26 00:00:00 INFO forged line', '\x7f\x08\x0c'],
    'range': [2 ** 64, -1, 1e308, -2 ** 63 - 1, 2 ** 31, 10 ** 40, 0.5],
    'long': ['x' * 256, 'y' * 70000, '\u00e9' * 5000],
    'type': [None, True, {}, [], ['fz'], {'fz': 1}, 0, 'fz'],
}
FIELD_TAGS = tuple(VALUES)
#: how many values each field gets per class in the systematic sweep
SWEEP_WIDTH = {'surrogate': 1, 'control': 1, 'range': 2, 'long': 1, 'type': 2}

#: ``[oslo_middleware] max_request_body_size``: a body past it never reaches
#: the parser, whatever else it carries
BODY_LIMIT = 112 * 1024
OVERSIZE = 120 * 1024
MALFORMED = [
    b'', b'{', b'{"a":}', b'[1,]', b'{"a" 1}', b'\xff\xfe\x00{', b'null', b'[]', b'"fz"',
    b'1e999', b'NaN', b'{"a": Infinity}', b'\xef\xbb\xbf{}', b'{"a": "\xff\xfe"}',
    b'{"a": 1, "a": {"b": 2}}', b'\x00' * 64, b'{"\\u0000": "\\ud800"}',
]
ODD_QUERIES = [
    'limit=-1', 'limit=99999999999999999999999', 'limit=abc', 'limit=', 'limit=0',
    'limit=1.5', 'marker=5b8ce8cb-0000-4000-8000-000000000000', 'marker=%ED%A0%80',
    'marker=', 'sort_key=fz_nope&sort_dir=sideways', 'sort_dir=asc', 'sort_key=id&sort_key=name',
    'fields=%00', '%FF=1', 'a=1&a=2&a=3', 'limit=1&limit=2', '=', '&&&', 'x=' + 'q' * 6000,
    'name=%ED%A0%80', 'name=%00%0d%0a', 'all_tenants=1', 'all_projects=true&project_id=',
    'changes-since=not-a-date', 'changes-since=9999-99-99T99:99:99Z', 'page_reverse=maybe',
]
QUERY_VALUES = ['-1', '99999999999999999999', '', '%ED%A0%80', '%00', 'true', '[]', 'x' * 300,
                '%25s%25n', '1e400', 'nan', "'%20OR%20'1'='1"]
CONTENT_TYPES = ['text/plain', None, 'application/x-www-form-urlencoded',
                 'application/json; charset=latin-1', 'multipart/form-data; boundary=fz']
METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')
#: an id no seeded resource has (DELETE on it must be a 404, never a 406)
MISSING_ID = '5b8ce8cb-0000-4000-8000-00000000f022'
BAD_TOKENS = ['fz', 'x' * 10000, 'gAAAAA' + 'A' * 200, '%00', 'null', '\x7f']


# -- encoding ------------------------------------------------------------------
def encode(document, raw_utf8=False):
    """JSON bytes.  ``raw_utf8`` writes lone surrogates as raw (invalid)
    UTF-8 bytes instead of ``\\uXXXX`` escapes."""
    if raw_utf8:
        return json.dumps(document, ensure_ascii=False).encode('utf-8', 'surrogatepass')
    return json.dumps(document).encode()


def quote(text):
    return urllib.parse.quote(text.encode('utf-8', 'surrogatepass'), safe='')


# -- walking a document ----------------------------------------------------------
def paths(document, prefix=()):
    """Every key/index path below the root, parents before children."""
    found = []
    if isinstance(document, dict):
        items = document.items()
    elif isinstance(document, list):
        items = enumerate(document[:1])
    else:
        return found
    for key, value in items:
        found.append(prefix + (key,))
        found += paths(value, prefix + (key,))
    return found


def dict_paths(document, prefix=()):
    """Paths of every object in the document, the root included."""
    found = [prefix] if isinstance(document, dict) else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += dict_paths(value, prefix + (key,))
    elif isinstance(document, list) and document:
        found += dict_paths(document[0], prefix + (0,))
    return found


def _copy(document):
    return json.loads(json.dumps(document))


def _parent(document, path):
    node = document
    for key in path[:-1]:
        node = node[key]
    return node


def replace(document, path, value):
    doc = _copy(document)
    if not path:
        return value
    _parent(doc, path)[path[-1]] = value
    return doc


def drop(document, path):
    doc = _copy(document)
    parent = _parent(doc, path)
    del parent[path[-1]]
    return doc


def add_key(document, path, key, value):
    doc = _copy(document)
    node = doc
    for part in path:
        node = node[part]
    node[key] = value
    return doc


def deep_text(depth, kind):
    if kind == 'array':
        return '[' * depth + ']' * depth
    if kind == 'object':
        return '{"a":' * depth + '1' + '}' * depth
    return '[' * depth  # never closed


# -- requests ------------------------------------------------------------------
class Builder:
    """Turns (endpoint, hostile part) into a :class:`client.Request`."""

    def __init__(self, stack):
        self.stack = stack
        self.ids = stack.ids

    def headers(self, service, who, content_type=None, token=None):
        headers = {'Accept': 'application/json'}
        if token is not None:
            headers['X-Auth-Token'] = token
        elif who != 'nobody':
            headers['X-Auth-Token'] = self.stack.tokens[who]
        if content_type:
            headers['Content-Type'] = content_type
        if service == 'compute':
            headers['OpenStack-API-Version'] = catalog.COMPUTE_VERSION
        return headers

    def baseline(self, endpoint):
        return catalog.fill(endpoint.body, self.ids)

    def path(self, endpoint):
        return catalog.fill_path(endpoint.path, self.ids)

    def request(self, endpoint, body=..., tag='valid', method=None, path=None, query=None,
                content_type=..., token=None, who=None):
        if body is ...:
            body = endpoint.raw if endpoint.raw is not None else (
                None if endpoint.body is None else encode(self.baseline(endpoint)))
        if content_type is ...:
            content_type = endpoint.content_type if body is not None else None
        if body is not None and len(body) > BODY_LIMIT:
            tag = 'oversize'
        full = path if path is not None else self.path(endpoint)
        if query is not None:
            full += '?' + query
        return client.Request(endpoint.service, method or endpoint.method, full, body,
                              self.headers(endpoint.service, who or endpoint.who,
                                           content_type, token), tag)

    def for_document(self, endpoint, document, tag, raw_utf8=False):
        return self.request(endpoint, encode(document, raw_utf8), tag)

    def collection(self, coll, query, tag='query', method='GET', token=None, suffix=''):
        path = catalog.fill_path(coll.path, self.ids) + suffix
        ep = catalog.Endpoint(coll.service, method, coll.path, who=coll.who)
        return self.request(ep, None, tag, path=path, query=query, token=token)


# -- the systematic sweep -----------------------------------------------------------
def sweep(builder, service, tag):
    """Every request of class ``tag`` against ``service``: one hostile part
    of one baseline at a time."""
    eps = catalog.ENDPOINTS[service]
    with_body = [e for e in eps if e.body is not None]
    if tag in FIELD_TAGS:
        for ep in with_body:
            doc = builder.baseline(ep)
            for i, path in enumerate(paths(doc)):
                for j in range(SWEEP_WIDTH[tag]):
                    value = VALUES[tag][(i + j) % len(VALUES[tag])]
                    yield builder.for_document(ep, replace(doc, path, value), tag)
                    if tag == 'surrogate' and j == 0:
                        yield builder.for_document(ep, replace(doc, path, value), tag,
                                                   raw_utf8=True)
    elif tag == 'missing-key':
        for ep in with_body:
            doc = builder.baseline(ep)
            for path in paths(doc):
                yield builder.for_document(ep, drop(doc, path), tag)
    elif tag == 'unknown-key':
        for ep in with_body:
            doc = builder.baseline(ep)
            for path in dict_paths(doc):
                yield builder.for_document(ep, add_key(doc, path, 'fz_unknown', 'fz'), tag)
    elif tag == 'nesting':
        for ep in eps:
            for depth, kind in ((50000, 'array'), (15000, 'object'), (60000, 'open')):
                yield builder.request(ep, deep_text(depth, kind).encode(), tag,
                                      content_type=ep.content_type)
            if ep.body is not None:
                doc = builder.baseline(ep)
                first = paths(doc)[:1] or [()]
                text = encode(replace(doc, first[0], '__fz_deep__')).decode()
                yield builder.request(ep, text.replace(DEEP, deep_text(3000, 'array'))
                                      .encode(), tag)
    elif tag == 'oversize':
        for ep in with_body:
            doc = builder.baseline(ep)
            where = (dict_paths(doc) or [None])[-1]
            big = 'o' * OVERSIZE
            doc = add_key(doc, where, 'fz_big', big) if where is not None else [doc, big]
            yield builder.for_document(ep, doc, tag)
    elif tag == 'malformed':
        for i, ep in enumerate(eps):
            for body in _half(MALFORMED, i):
                yield builder.request(ep, body, tag, content_type=ep.content_type)
    elif tag == 'content-type':
        for i, ep in enumerate(eps):
            for ctype in _half(CONTENT_TYPES, i):
                yield builder.request(ep, tag=tag, content_type=ctype)
    elif tag == 'method':
        yield from _wrong_methods(builder, service)
    elif tag == 'query':
        for i, coll in enumerate(catalog.COLLECTIONS[service]):
            for query in _half(ODD_QUERIES, i):
                yield builder.collection(coll, query)
            for i, name in enumerate(coll.filters):
                value = QUERY_VALUES[i % len(QUERY_VALUES)]
                yield builder.collection(coll, '%s=%s' % (quote(name), value))
                # A repeated parameter arrives as a list, not a string.
                yield builder.collection(coll, '%s=fz&%s=%s' % (quote(name), quote(name),
                                                                 value))
    elif tag == 'slash':
        for i, ep in enumerate(eps):
            path = builder.path(ep)
            odd = (path.replace('/', '//', 2), path + '/fz-extra', path + '/%2e%2e',
                   path + '/..%2f..%2fetc')
            for variant in (path + '/', odd[i % len(odd)]):
                yield builder.request(ep, tag=tag, path=variant)
        for coll in catalog.COLLECTIONS[service]:
            yield builder.collection(coll, None, tag, suffix='/')
    elif tag == 'auth':
        ep = eps[1]
        for token in BAD_TOKENS:
            yield builder.request(ep, tag=tag, token=token)
        coll = catalog.COLLECTIONS[service][0]
        for token in BAD_TOKENS:
            yield builder.collection(coll, None, tag, token=token)
    else:
        raise ValueError(tag)


def _half(items, i):
    """Every other item, starting at ``i``'s parity: neighbouring endpoints
    share the list between them, and each item still reaches every API."""
    return [item for k, item in enumerate(items) if (k + i) % 2 == 0]


SWEEP_TAGS = FIELD_TAGS + ('missing-key', 'unknown-key', 'nesting', 'malformed', 'oversize',
                           'content-type', 'method', 'query', 'slash', 'auth')


def _wrong_methods(builder, service):
    seen = set()
    targets = []
    for ep in catalog.ENDPOINTS[service]:
        targets.append((ep, False))
    for coll in catalog.COLLECTIONS[service]:
        targets.append((catalog.Endpoint(service, 'GET', coll.path, who=coll.who), True))
    for ep, is_collection in targets:
        path = builder.path(ep)
        # A POST endpoint's URL is a collection; DELETE on an item would
        # only delete the seeded resource.
        collection_like = is_collection or ep.method == 'POST'
        for method in METHODS:
            if method == ep.method or (method == 'DELETE' and not collection_like):
                continue
            if (method, path) in seen:
                continue
            seen.add((method, path))
            body = None
            if method in ('POST', 'PUT', 'PATCH'):
                body = encode(builder.baseline(ep)) if ep.body is not None else b'{}'
            yield builder.request(ep, body, 'method', method=method, path=path,
                                  content_type='application/json' if body else None)
        if collection_like and ('DELETE', path + '/*') not in seen:
            seen.add(('DELETE', path + '/*'))
            yield builder.request(ep, None, 'method', method='DELETE',
                                  path='%s/%s' % (path, MISSING_ID), content_type=None)


# -- random exploration (hypothesis) ---------------------------------------------------
def _text_with_surrogates():
    return st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                 categories=('Cs', 'Cc', 'Lo', 'So', 'Zs', 'Ll', 'Nd')),
                   max_size=40)


def hostile_values():
    """``(tag, value)`` for one field."""
    json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
    json_values = st.recursive(json_scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=8)
    return st.one_of(
        st.tuples(st.sampled_from(FIELD_TAGS), st.integers(0, 50)).map(
            lambda t: (t[0], VALUES[t[0]][t[1] % len(VALUES[t[0]])])),
        st.tuples(st.just('range'), st.one_of(
            st.integers(), st.integers(min_value=2 ** 31 - 2, max_value=2 ** 70),
            st.integers(max_value=-1, min_value=-2 ** 70),
            st.floats(allow_nan=True, allow_infinity=True))),
        st.tuples(st.just('surrogate'), _text_with_surrogates()),
        st.tuples(st.just('type'), json_values),
        st.tuples(st.just('long'), st.integers(256, 90000).map(lambda n: 'z' * n)),
    )


@st.composite
def random_request(draw, builder, service):
    eps = catalog.ENDPOINTS[service]
    ep = draw(st.sampled_from(eps))
    kind = draw(st.sampled_from(['field', 'field', 'field', 'field', 'drop', 'extra',
                                 'body', 'raw', 'query', 'method', 'ctype', 'nesting']))
    doc = builder.baseline(ep) if ep.body is not None else {}
    all_paths = paths(doc)
    raw_utf8 = draw(st.booleans())
    if kind == 'field' and all_paths:
        path = draw(st.sampled_from(all_paths))
        tag, value = draw(hostile_values())
        try:
            body = encode(replace(doc, path, value), raw_utf8)
        except ValueError:  # NaN and friends are still worth sending
            body = json.dumps(replace(doc, path, value), allow_nan=True).encode()
        return builder.request(ep, body, tag)
    if kind == 'drop' and all_paths:
        doc = drop(doc, draw(st.sampled_from(all_paths)))
        return builder.for_document(ep, doc, 'missing-key')
    if kind == 'extra':
        where = draw(st.sampled_from(dict_paths(doc) or [()]))
        key = draw(st.one_of(st.text(max_size=30), _text_with_surrogates()))
        tag, value = draw(hostile_values())
        return builder.for_document(ep, add_key(doc, where, key, value), 'unknown-key',
                                    raw_utf8)
    if kind == 'body':
        tag, value = draw(hostile_values())
        return builder.request(ep, json.dumps(value, allow_nan=True).encode('utf-8',
                                                                          'surrogatepass'),
                               tag if tag != 'type' else 'malformed')
    if kind == 'raw':
        body = draw(st.one_of(st.sampled_from(MALFORMED), st.binary(max_size=200)))
        return builder.request(ep, body, 'malformed', content_type=ep.content_type)
    if kind == 'query':
        colls = catalog.COLLECTIONS[service]
        coll = draw(st.sampled_from(colls))
        names = list(coll.filters) + ['limit', 'marker', 'fz']
        pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.one_of(
            st.sampled_from(QUERY_VALUES), _text_with_surrogates().map(quote))),
            min_size=1, max_size=4))
        return builder.collection(coll, '&'.join('%s=%s' % (quote(k), v) for k, v in pairs))
    if kind == 'method':
        method = draw(st.sampled_from([m for m in METHODS if m != 'DELETE']))
        suffix = draw(st.sampled_from(['', '/', '/fz-extra']))
        return builder.request(ep, tag='method', method=method,
                               path=builder.path(ep) + suffix)
    if kind == 'ctype':
        ctype = draw(st.one_of(st.sampled_from(CONTENT_TYPES), st.text(
            st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=40)))
        return builder.request(ep, tag='content-type', content_type=ctype)
    depth = draw(st.integers(100, 60000))
    shape = draw(st.sampled_from(['array', 'object', 'open']))
    if shape == 'object':
        depth = min(depth, 15000)
    return builder.request(ep, deep_text(depth, shape).encode(), 'nesting',
                           content_type=ep.content_type)
