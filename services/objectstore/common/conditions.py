"""Conditional and range requests on an object (RFC 9110 §13, §14).

Evaluated where the object is: on the object server, against its ETag and
timestamp.  :func:`byte_range` reads one range (a large object manifest's
segment ranges); a client's ``Range``, one or several, is read by
:mod:`.byteranges`.
"""

import email.utils

from webob import byterange


def _etags(value):
    return [v.strip().strip('"') for v in value.split(',') if v.strip()]


def _date(value):
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.timestamp() if parsed else None


def precondition_status(headers, method, etag, last_modified):
    """412, 304, or None when the request goes on.

    ``last_modified`` is seconds since the epoch (whole seconds count, as in
    HTTP dates)."""
    modified = int(float(last_modified))
    if_match = headers.get('If-Match')
    if if_match is not None:
        tags = _etags(if_match)
        if '*' not in tags and etag not in tags:
            return 412
    elif headers.get('If-Unmodified-Since'):
        when = _date(headers['If-Unmodified-Since'])
        if when is not None and modified > when:
            return 412
    if_none_match = headers.get('If-None-Match')
    if if_none_match is not None:
        tags = _etags(if_none_match)
        if '*' in tags or etag in tags:
            return 304 if method in ('GET', 'HEAD') else 412
    elif headers.get('If-Modified-Since') and method in ('GET', 'HEAD'):
        when = _date(headers['If-Modified-Since'])
        if when is not None and modified <= when:
            return 304
    return None


def byte_range(header, length):
    """``None`` (whole body), ``(start, stop)`` or ``'unsatisfiable'``."""
    if not header or ',' in header:   # webob would keep the first of several
        return None
    parsed = byterange.Range.parse(header)
    if parsed is None:   # malformed, or several ranges: serve the whole body
        return None
    span = parsed.range_for_length(length)
    if span is None:
        return 'unsatisfiable'
    return span
