"""Placement microversions: ``OpenStack-API-Version: placement 1.x``.

No header means 1.0, ``latest`` the newest we serve; a version outside the
range is a 406 naming both ends (clients such as osc-placement fall back
to the ``max_version`` they read there).  Every response says which
version served it.

What changes with the versions we shape (the rest read as their base):
    1.1  provider ``aggregates`` link        1.2  custom resource classes
    1.3  ``member_of`` filter                 1.4  ``resources`` filter
    1.6  traits; provider ``traits`` link     1.9  ``GET /usages``
    1.10 allocation candidates                1.11 provider ``allocations`` link
    1.12 allocation requests keyed by provider; project/user in allocations
    1.14 ``parent_provider_uuid`` / ``root_provider_uuid``
    1.16 ``limit`` on candidates              1.17 ``required`` traits on candidates
    1.18 ``required`` on provider lists       1.19 aggregates with the generation
    1.21 ``member_of`` on candidates          1.22 forbidden (``!``) traits
    1.28 ``consumer_generation``              1.29 summaries with parent/root
    1.34 ``mappings`` in allocation requests  1.38 ``consumer_type``
    1.39 ``in:`` for required traits
"""

import re

from services.compute import exception

MIN_VERSION = (1, 0)
MAX_VERSION = (1, 39)
SERVICE = 'placement'

_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


def to_string(version):
    return '%d.%d' % version


def parse_headers(headers):
    value = None
    for item in (headers.get('OpenStack-API-Version') or '').split(','):
        service, _, version = item.strip().partition(' ')
        if service.lower() == SERVICE:
            value = version.strip()
    if not value:
        return MIN_VERSION
    if value.lower() == 'latest':
        return MAX_VERSION
    match = _VERSION_RE.match(value)
    if not match:
        raise exception.PlacementBadRequest('invalid version string: %s' % value,
                                            error_code='placement.undefined_code')
    version = (int(match.group(1)), int(match.group(2)))
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise exception.PlacementNotAcceptable('Unacceptable version header: %s' % value,
                                               error_code='placement.undefined_code')
    return version


def response_headers(version):
    return {'OpenStack-API-Version': '%s %s' % (SERVICE, to_string(version)),
            'Vary': 'OpenStack-API-Version'}
