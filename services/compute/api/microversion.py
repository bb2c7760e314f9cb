"""Compute API microversions (parsed by :mod:`common.microversion`; the
older ``X-OpenStack-Nova-API-Version`` header is read too): none means 2.1.

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
    2.36 network proxies (os-security-groups, os-floating-ips, os-networks,
         ...) and the image proxy removed
    2.39 image metadata proxy removed
    2.44 addFloatingIp / removeFloatingIp actions removed
    2.37 ``networks`` required on create, ``auto`` / ``none``
    2.41 aggregate ``uuid``
    2.45 createImage returns ``image_id`` in the body
    2.47 embedded flavor in server bodies
    2.52 tags on server create
    2.53 services and hypervisors identified by UUID
"""

from common import microversion

MIN_VERSION = (2, 1)
MAX_VERSION = (2, 53)
VERSIONS = microversion.Microversions('compute', MIN_VERSION, MAX_VERSION,
                                      legacy_header='X-OpenStack-Nova-API-Version')

to_string = microversion.to_string
parse_headers = VERSIONS.parse_headers
response_headers = VERSIONS.response_headers
