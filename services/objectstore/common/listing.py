"""Account and container listings: pagination with prefix, delimiter,
marker, end_marker, limit and reverse, and the json / plain / xml bodies."""

import datetime
import json
from xml.sax import saxutils

FORMATS = {'json': 'application/json', 'xml': 'application/xml', 'plain': 'text/plain'}
_LAST = chr(0x10FFFF)


class BadListingRequest(ValueError):
    pass


def prefix_end(prefix):
    """The smallest text greater than every text starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def params_from_query(query, max_limit):
    """Listing parameters from a request's query (a mapping)."""
    try:
        limit = int(query.get('limit', max_limit))
    except ValueError:
        raise BadListingRequest('limit must be an integer')
    if limit < 0:
        raise BadListingRequest('limit must not be negative')
    if limit > max_limit:
        raise BadListingRequest('Maximum limit is %d' % max_limit)
    delimiter = query.get('delimiter') or None
    if delimiter is not None and len(delimiter) != 1:
        raise BadListingRequest('Bad delimiter')
    reverse = str(query.get('reverse', '')).lower() in ('1', 'true', 'yes', 'on', 't', 'y')
    return {'prefix': query.get('prefix') or '', 'delimiter': delimiter,
            'marker': query.get('marker') or None, 'end_marker': query.get('end_marker') or None,
            'limit': limit, 'reverse': reverse}


def paginate(fetch, prefix='', delimiter=None, marker=None, end_marker=None, limit=10000,
             reverse=False):
    """Up to ``limit`` rows and ``{"subdir": ...}`` entries.

    ``fetch(marker, end_marker, prefix, limit, reverse)`` returns rows (dicts
    with ``name``) after ``marker`` (before it when reversed) in order.
    """
    results = []
    first_marker = marker
    while len(results) < limit:
        want = limit - len(results)
        rows = fetch(marker, end_marker, prefix, want, reverse)
        if not rows:
            break
        restart = False
        for row in rows:
            name = row['name']
            marker = name
            if delimiter:
                cut = name.find(delimiter, len(prefix))
                if cut >= 0:
                    subdir = name[:cut + 1]
                    if subdir != first_marker:
                        results.append({'subdir': subdir})
                    # skip the rest of the names under this subdir
                    marker = subdir if reverse else subdir + _LAST
                    restart = True
                    break
            results.append(row)
            if len(results) >= limit:
                break
        if not restart and len(rows) < want:
            break
    return results


def pick_format(query_format, accept):
    """``json``, ``xml`` or ``plain`` from ``?format=`` or ``Accept``."""
    if query_format:
        fmt = query_format.lower()
        if fmt in FORMATS:
            return fmt
        raise BadListingRequest('Invalid format; use json, xml or plain')
    accept = (accept or '').lower()
    if 'application/json' in accept:
        return 'json'
    if 'application/xml' in accept or 'text/xml' in accept:
        return 'xml'
    return 'plain'


def last_modified(ts):
    when = datetime.datetime.fromtimestamp(float(ts), datetime.timezone.utc)
    return when.strftime('%Y-%m-%dT%H:%M:%S.%f')


def object_entry(row):
    if 'subdir' in row:
        return {'subdir': row['subdir']}
    return {'name': row['name'], 'hash': row['etag'], 'bytes': row['size'],
            'content_type': row['content_type'],
            'last_modified': last_modified(row['created_at'])}


def container_entry(row):
    if 'subdir' in row:
        return {'subdir': row['subdir']}
    return {'name': row['name'], 'count': row['object_count'], 'bytes': row['bytes_used'],
            'last_modified': last_modified(row['put_timestamp'])}


def render(entries, fmt, kind, name):
    """The body of a listing: ``kind`` is ``account`` (entries are
    containers) or ``container`` (entries are objects)."""
    if fmt == 'json':
        return json.dumps(entries).encode('utf-8')
    if fmt == 'plain':
        return ''.join('%s\n' % (e.get('name') or e['subdir']) for e in entries).encode('utf-8')
    item = 'container' if kind == 'account' else 'object'
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           '<%s name=%s>' % (kind, saxutils.quoteattr(name))]
    for entry in entries:
        if 'subdir' in entry:
            out.append('<subdir name=%s><name>%s</name></subdir>' % (
                saxutils.quoteattr(entry['subdir']), saxutils.escape(entry['subdir'])))
            continue
        out.append('<%s>' % item)
        for key, value in entry.items():
            out.append('<%s>%s</%s>' % (key, saxutils.escape(str(value)), key))
        out.append('</%s>' % item)
    out.append('</%s>' % kind)
    return ''.join(out).encode('utf-8')
