"""Byte ranges of a GET (RFC 9110 §14): one range is a 206 with
``Content-Range``; several are a 206 ``multipart/byteranges`` body (§14.6),
each part with its own ``Content-Type`` and ``Content-Range``.

As Swift does, a ``Range`` header that does not parse is ignored (the whole
body), ranges that start past the end are dropped (416 when none is left),
and a request for more than :data:`MAX_RANGES` ranges, or for overlapping
ranges that add up to more than the body, gets the whole body (a server may
ignore Range).
"""

import re
import uuid

MAX_RANGES = 100
_SPEC = re.compile(r'^\s*(\d*)\s*-\s*(\d*)\s*$')


def parse(header, length):
    """``None`` (serve the whole body), ``'unsatisfiable'`` or a list of
    ``(start, stop)`` spans (stop exclusive), in the order asked."""
    if not header:
        return None
    unit, _, specs = header.partition('=')
    if unit.strip().lower() != 'bytes' or not specs.strip():
        return None
    if specs.count(',') >= MAX_RANGES:
        return None
    wanted = []
    for spec in specs.split(','):
        if not spec.strip():
            continue
        match = _SPEC.match(spec)
        if match is None:
            return None
        first, last = match.groups()
        if not first and not last:
            return None
        if not first:                   # the last N bytes
            suffix = int(last)
            if suffix == 0:
                continue
            wanted.append((max(length - suffix, 0), length))
            continue
        start = int(first)
        stop = length if not last else int(last) + 1
        if last and int(last) < start:
            return None
        if start >= length:
            continue                    # unsatisfiable: dropped
        wanted.append((start, min(stop, length)))
    if not wanted:
        return None if not specs.strip(' ,') else 'unsatisfiable'
    if len(wanted) > 1 and sum(b - a for a, b in wanted) > length:
        return None
    return wanted


def content_range(start, stop, length):
    return 'bytes %d-%d/%d' % (start, stop - 1, length)


class Multipart:
    """A ``multipart/byteranges`` body of ``spans`` of a body of ``length``
    bytes whose own type is ``content_type``; ``read(start, stop)`` yields
    the body's bytes ``[start, stop)``."""

    def __init__(self, spans, length, content_type, read, boundary=None):
        self.spans = spans
        self.length = length
        self.boundary = boundary or uuid.uuid4().hex
        self.part_type = content_type or 'application/octet-stream'
        self.read = read

    @property
    def content_type(self):
        return 'multipart/byteranges; boundary=%s' % self.boundary

    def _head(self, start, stop):
        return ('--%s\r\nContent-Type: %s\r\nContent-Range: %s\r\n\r\n' % (
            self.boundary, self.part_type,
            content_range(start, stop, self.length))).encode('utf-8')

    def _tail(self):
        return ('--%s--' % self.boundary).encode('ascii')

    @property
    def content_length(self):
        return sum(len(self._head(a, b)) + (b - a) + 2 for a, b in self.spans) + \
            len(self._tail())

    def __iter__(self):
        for start, stop in self.spans:
            yield self._head(start, stop)
            yield from self.read(start, stop)
            yield b'\r\n'
        yield self._tail()
