"""Microversions of an API in nova's style: which one a request asked for.

A request names its version with ``OpenStack-API-Version: <service> X.Y``
(compute also reads the older ``X-OpenStack-Nova-API-Version``); none means
the minimum and ``latest`` the maximum.  A malformed value is a 400, one
out of range a 406.  Every response repeats the version it was served with.
Each API keeps the history of its versions next to its
:class:`Microversions` (``services/<svc>/api/microversion.py``).
"""

import re

from common import exception

_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


def to_string(version):
    return '%d.%d' % version


class Microversions:
    def __init__(self, service, min_version, max_version, legacy_header=None):
        self.service = service
        self.min_version = min_version
        self.max_version = max_version
        self.legacy_header = legacy_header

    def parse_headers(self, headers):
        """Requested version as a ``(major, minor)`` tuple."""
        value = None
        for item in (headers.get('OpenStack-API-Version') or '').split(','):
            service, _, version = item.strip().partition(' ')
            if service.lower() == self.service:
                value = version.strip()
        if value is None and self.legacy_header:
            value = headers.get(self.legacy_header)
        if not value:
            return self.min_version
        if value.lower() == 'latest':
            return self.max_version
        match = _VERSION_RE.match(value.strip())
        if not match:
            raise exception.BadRequest(
                'API Version String %s is of invalid format. Must be of format '
                'MajorNum.MinorNum.' % value)
        version = (int(match.group(1)), int(match.group(2)))
        if not self.min_version <= version <= self.max_version:
            raise exception.InvalidAPIVersion(version=value,
                                              min=to_string(self.min_version),
                                              max=to_string(self.max_version))
        return version

    def response_headers(self, version):
        text = to_string(version)
        headers = {'OpenStack-API-Version': '%s %s' % (self.service, text)}
        if self.legacy_header:
            headers[self.legacy_header] = text
        headers['Vary'] = ', '.join(['OpenStack-API-Version'] + (
            [self.legacy_header] if self.legacy_header else []))
        return headers
