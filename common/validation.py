"""Request body parsing and jsonschema validation for the REST APIs."""

import json

import jsonschema

from common import exception


def parse_json(body):
    """Decode a JSON request body or raise a 400."""
    if not body:
        raise exception.ValidationError(reason='the request body is empty')
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise exception.ValidationError(reason='malformed JSON: %s' % exc)


_VALIDATORS = {}


def _validator(schema):
    # Schemas are module-level constants, so their id is a stable cache key;
    # building a validator costs more than most validations.
    key = id(schema)
    cached = _VALIDATORS.get(key)
    if cached is None or cached[0] is not schema:
        cached = (schema, jsonschema.Draft7Validator(
            schema, format_checker=jsonschema.FormatChecker()))
        _VALIDATORS[key] = cached
    return cached[1]


def validate(schema, document):
    """Validate ``document`` against ``schema``; a violation is a 400."""
    validator = _validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = '/'.join(str(p) for p in error.absolute_path)
        reason = error.message if not where else "'%s': %s" % (where, error.message)
        raise exception.ValidationError(reason=reason)
    return document
