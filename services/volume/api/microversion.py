"""Block Storage API microversions (parsed by :mod:`common.microversion`):
none means 3.0.

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
    3.68 volume ``os-reimage`` action (compute's rebuild of a volume-backed server)
"""

from common import microversion

MIN_VERSION = (3, 0)
MAX_VERSION = (3, 68)
VERSIONS = microversion.Microversions('volume', MIN_VERSION, MAX_VERSION)

to_string = microversion.to_string
parse_headers = VERSIONS.parse_headers
response_headers = VERSIONS.response_headers
