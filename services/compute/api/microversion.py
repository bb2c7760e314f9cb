"""Compute API microversions: which one a request asked for.

Requests name a version with ``OpenStack-API-Version: compute 2.x`` (or the
older ``X-OpenStack-Nova-API-Version: 2.x``); none means 2.1 and
``latest`` means :data:`MAX_VERSION`.  Every response repeats the version
it was served with.

History of what changes with each version we implement:
    2.1  base API
    2.2  keypair ``type`` (ssh / x509)
    2.3  extended server attributes (reservation_id, launch_index, hostname, ...)
    2.9  server ``locked``
    2.10 admins manage other users' keypairs (``user_id``)
    2.11 services ``forced_down``
    2.16 server ``host_status``
    2.19 server ``description``
    2.26 server tags
    2.28 hypervisor ``cpu_info`` as an object
    2.36 network/image proxy APIs removed (never implemented here)
    2.37 ``networks`` required on create, ``auto`` / ``none``
    2.41 aggregate ``uuid``
    2.45 createImage returns ``image_id`` in the body
    2.47 embedded flavor in server bodies
    2.52 tags on server create
    2.53 services and hypervisors identified by UUID
"""

import re

from services.compute import exception

MIN_VERSION = (2, 1)
MAX_VERSION = (2, 53)

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
            if service.lower() == 'compute':
                value = version.strip()
    if value is None:
        value = headers.get('X-OpenStack-Nova-API-Version')
    if not value:
        return MIN_VERSION
    if value.lower() == 'latest':
        return MAX_VERSION
    match = _VERSION_RE.match(value.strip())
    if not match:
        raise exception.Invalid(reason='API Version String %s is of invalid format. Must be '
                                       'of format MajorNum.MinorNum.' % value)
    version = (int(match.group(1)), int(match.group(2)))
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise exception.InvalidAPIVersion(version=value, min=to_string(MIN_VERSION),
                                          max=to_string(MAX_VERSION))
    return version


def response_headers(version):
    text = to_string(version)
    return {'OpenStack-API-Version': 'compute %s' % text,
            'X-OpenStack-Nova-API-Version': text,
            'Vary': 'OpenStack-API-Version, X-OpenStack-Nova-API-Version'}
