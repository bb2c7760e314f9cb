"""Block Storage API microversions: which one a request asked for.

A request names its version with ``OpenStack-API-Version: volume 3.x``; none
means 3.0 and ``latest`` means :data:`MAX_VERSION`.  A malformed value is a
400, one out of range a 406.  Every response repeats the version served.

History of what changes with each version we implement:
    3.0  base API
    3.27 attachments API (/attachments)
    3.44 attachment os-complete action
    3.48 volume ``shared_targets`` and ``service_uuid``
    3.62 default volume type (/types/default)
    3.63 volume ``volume_type_id``
    3.64 volume ``encryption_key_id``
    3.65 volume and snapshot ``consumes_quota``
    3.66 snapshot of an in-use volume without ``force``
    3.67 the project id is optional in the URL
"""

import re

from services.volume import exception

MIN_VERSION = (3, 0)
MAX_VERSION = (3, 67)

_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


def to_string(version):
    return '%d.%d' % version


def parse_headers(headers):
    """Requested version as a ``(major, minor)`` tuple."""
    value = None
    header = headers.get('OpenStack-API-Version')
    if header:
        for item in header.split(','):
            service, _, version = item.strip().partition(' ')
            if service.lower() == 'volume':
                value = version.strip()
    if not value:
        return MIN_VERSION
    if value.lower() == 'latest':
        return MAX_VERSION
    match = _VERSION_RE.match(value)
    if not match:
        raise exception.Invalid(reason='API Version String %s is of invalid format. Must be '
                                       'of format MajorNum.MinorNum.' % value)
    version = (int(match.group(1)), int(match.group(2)))
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise exception.InvalidAPIVersion(version=value, min=to_string(MIN_VERSION),
                                          max=to_string(MAX_VERSION))
    return version


def response_headers(version):
    return {'OpenStack-API-Version': 'volume %s' % to_string(version),
            'Vary': 'OpenStack-API-Version'}
