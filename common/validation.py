"""Request body parsing and jsonschema validation for the REST APIs.

:func:`parse_json` is the one JSON body parser of every API (pecan's own
body parsing is switched off in :mod:`common.wsgi`).  Besides syntax it
refuses, for every request and every field:

* nesting deeper than :data:`MAX_DEPTH`, so neither the parser nor
  jsonschema nor a later ``json.dumps`` of stored data can recurse without
  bound;
* lone UTF-16 surrogates (``"\\ud800"``) and NUL characters in any string,
  key or value: no database stores them and nothing legitimate sends them;
* control characters (C0, DEL, C1, Unicode line separators) in keys, which
  name things (metadata keys, image properties);
* ``NaN``, ``Infinity`` and numbers that overflow to infinity.

Other control characters in values are legal JSON and legal in some fields
(a description may hold a newline); fields that name things refuse them
through :data:`NAME_PATTERN` in their schema.
"""

import collections
import json
import math
import re

import jsonschema

from common import exception

#: Deepest nesting a request body may have.  The deepest real bodies (an
#: identity auth request, a server's block device mapping) need 6-7 levels.
MAX_DEPTH = 32

#: jsonschema ``pattern`` for names: no control characters (C0, DEL, C1)
#: and no Unicode line or paragraph separators.
NAME_PATTERN = '^[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]*$'

_BAD_CHARS = re.compile('[\x00\ud800-\udfff]')
_BAD_KEY_CHARS = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')
# Decoded strict UTF-8 can hold the characters above only through an escape,
# a raw DEL or a raw C1 or line/paragraph separator.
_MAY_HOLD_BAD_CHARS = re.compile(b'\\\\|\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]')


def _refuse_constant(name):
    raise ValueError('%s is not a JSON number' % name)


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError('number %s is out of range' % text[:20])
    return value


def parse_json(body):
    """Decode a JSON request body or raise a 400."""
    if not body:
        raise exception.ValidationError(reason='the request body is empty')
    try:
        # Strict UTF-8: json.loads would let encoded surrogates through.
        text = body.decode('utf-8') if isinstance(body, bytes) else body
        document = json.loads(text, parse_constant=_refuse_constant,
                              parse_float=_finite_float)
    except RecursionError:
        raise exception.ValidationError(
            reason='JSON nested deeper than %d levels' % MAX_DEPTH)
    except (ValueError, UnicodeDecodeError) as exc:
        raise exception.ValidationError(reason='malformed JSON: %s' % exc)
    check_document(document, body)
    return document


def check_document(document, raw=None):
    """Enforce the limits above on a decoded ``document``.

    ``raw`` is the text it came from; it lets typical bodies skip the walk:
    nesting needs one bracket per level, and the characters refused need an
    escape or one of a few raw byte sequences.
    """
    if isinstance(raw, bytes):
        deep = raw.count(b'[') + raw.count(b'{') > MAX_DEPTH
        strings = _MAY_HOLD_BAD_CHARS.search(raw) is not None
    else:
        deep = strings = True
    if deep or strings:
        _walk(document, strings)


def _walk(document, strings):
    # Entries are (node, depth, name of the field it sits in); only
    # containers, and strings when they need checking, are pushed.
    wanted = (dict, list, str) if strings else (dict, list)
    stack = [(document, 1, None)]
    while stack:
        node, depth, field = stack.pop()
        if isinstance(node, str):
            _check_string(node, field or 'the body')
            continue
        if depth > MAX_DEPTH:
            raise exception.ValidationError(
                reason='JSON nested deeper than %d levels' % MAX_DEPTH)
        if isinstance(node, dict):
            for key, value in node.items():
                if strings:
                    _check_key(key)
                if isinstance(value, wanted):
                    stack.append((value, depth + 1, key))
        elif isinstance(node, list):
            stack.extend((value, depth + 1, field) for value in node
                         if isinstance(value, wanted))


def _check_key(key):
    found = _BAD_KEY_CHARS.search(key)
    if found is not None:
        _check_string(key, 'a key')
        raise exception.ValidationError(reason='a key holds a control character')


def _check_string(text, field):
    found = _BAD_CHARS.search(text)
    if found is not None:
        if found.group() == '\x00':
            reason = '%s holds a NUL character' % field
        else:
            reason = '%s is not valid Unicode text (a lone surrogate)' % field
        raise exception.ValidationError(reason=reason)


#: most validators :data:`_VALIDATORS` keeps (the oldest used goes first)
VALIDATOR_CACHE_SIZE = 256
_VALIDATORS = collections.OrderedDict()


def _validator(schema):
    # Keyed by the schema's id: most schemas are module-level constants, so
    # one validator each is built once (building one costs more than most
    # validations).  The entry holds the schema, so its id is not reused
    # while cached.  A schema built per request (image create/update used
    # to) would add an entry every time, so the cache is bounded: without
    # the bound it grew ~10 KiB a request for the life of the daemon.
    key = id(schema)
    cached = _VALIDATORS.get(key)
    if cached is None or cached[0] is not schema:
        cached = (schema, jsonschema.Draft7Validator(
            schema, format_checker=jsonschema.FormatChecker()))
        _VALIDATORS[key] = cached
        while len(_VALIDATORS) > VALIDATOR_CACHE_SIZE:
            try:
                _VALIDATORS.popitem(last=False)
            except KeyError:
                break
    else:
        try:
            _VALIDATORS.move_to_end(key)
        except KeyError:
            pass
    return cached[1]


_SECRET_FIELD = re.compile(r'pass|secret|token|private_key|blob', re.IGNORECASE)


def validate(schema, document):
    """Validate ``document`` against ``schema``; a violation is a 400."""
    validator = _validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = '/'.join(str(p) for p in error.absolute_path)
        message = error.message
        quoted = repr(error.instance)
        if (where and _SECRET_FIELD.search(where)) or len(quoted) > 80 \
                or isinstance(error.instance, (dict, list)):
            # jsonschema quotes the offending value: keep secrets, and whole
            # objects that may hold them or run to 100 KiB, out of the answer
            # (and of any log line that repeats it).
            message = message.replace(quoted, 'the value')
        reason = message if not where else "'%s': %s" % (where, message)
        raise exception.ValidationError(reason=reason)
    return document
