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
    2.32 device ``tag`` on create's ``networks`` and ``block_device_mapping_v2``
         (lost at 2.37 and 2.33, back at 2.42)
    2.36 network proxies (os-security-groups, os-floating-ips, os-networks,
         ...) and the image proxy removed
    2.39 image metadata proxy removed
    2.44 addFloatingIp / removeFloatingIp actions removed
    2.37 ``networks`` required on create, ``auto`` / ``none``
    2.41 aggregate ``uuid``
    2.45 createImage and createBackup return ``image_id`` in the body
    2.47 embedded flavor in server bodies
    2.52 tags on server create
    2.53 services and hypervisors identified by UUID
    2.54 ``key_name`` on rebuild (set or unset the server's keypair)
    2.55 flavor ``description``
    2.57 ``user_data`` on rebuild; ``personality`` no longer accepted
    2.58 instance actions paged (limit, marker, changes-since), ``updated_at``
    2.59 migrations paged, ``uuid`` in migration records
    2.60 multiattach volumes: attached to several servers and booted from (refused below)
    2.61 flavor ``extra_specs`` in flavor bodies
    2.62 ``host`` / ``hostId`` in instance action events
    2.63 ``trusted_image_certificates`` on create and rebuild, shown in servers
    2.64 server group ``policy`` (one) and ``rules`` replace ``policies``
    2.65 abort of a queued live migration (live-migration abort answers as
         nova does for a migration that is not running)
    2.66 ``changes-before`` filter on servers, instance actions, migrations
    2.67 ``volume_type`` in ``block_device_mapping_v2``
    2.68 force live migration removed (no live migration here at all)
    2.69 (down-cell minimal bodies; we have one cell)
    2.70 device ``tag`` in interface and volume attachment bodies
    2.71 ``server_groups`` in show, update and rebuild
    2.72 ``accelerator`` profiles (not offered: flavors have none)
    2.73 ``locked_reason`` on lock, shown in servers, ``locked`` list filter
    2.74 ``host`` / ``hypervisor_hostname`` on create (admin)
    2.75 update and rebuild answer the full server; flavor ``swap`` 0
    2.76 ``power-update`` external event
    2.77 ``availability_zone`` on unshelve
    2.78 server topology (servers here have no NUMA placement: no nodes)
    2.79 ``delete_on_termination`` on volume attach
    2.80 migrations list ``user_id`` / ``project_id`` and filters
    2.81 image cache pre-caching on aggregates (not offered: 404)
    2.82 ``accelerator-request-bound`` external event (accepted with its tag;
         computes only log it)
    2.83 server list filters for non-admins (``availability_zone``,
         ``config_drive``, ``key_name``, ``created_at``, ``launched_at``,
         ``terminated_at``, ``power_state``, ``task_state``, ``vm_state``,
         ``progress``, ``user_id``)
    2.84 instance action event ``details``
    2.85 volume attachment update of ``delete_on_termination``
    2.86 flavor extra spec validation (``api/extra_specs.py``)
    2.87 rescue of volume-backed servers by stable device rescue (a rescue
         image with ``hw_rescue_device`` / ``hw_rescue_bus``; 400 otherwise)
    2.88 hypervisor bodies without the resource figures
    2.89 volume attachments with ``attachment_id`` / ``bdm_uuid``
    2.90 ``hostname`` on create, update and rebuild
    2.91 unshelve to a host, and to any availability zone
    2.92 keypair import needs ``public_key``
    2.93 rebuild of volume-backed servers: the volume service reimages the
         root volume (volume 3.68 os-reimage, ``volume-reimaged`` event)
    2.94 fully qualified ``hostname``
    2.95 evacuate leaves the server stopped
    2.96 ``pinned_availability_zone`` in servers
    2.97 share attachments (no share service: 404 for the server's shares)
    2.98 image ``properties`` in the server's image
    2.99 SPICE direct consoles (no SPICE: the console type is a 400)
    2.100 ``scheduler_hints`` in servers
"""

from common import microversion

MIN_VERSION = (2, 1)
MAX_VERSION = (2, 100)
VERSIONS = microversion.Microversions('compute', MIN_VERSION, MAX_VERSION,
                                      legacy_header='X-OpenStack-Nova-API-Version')

to_string = microversion.to_string
parse_headers = VERSIONS.parse_headers
response_headers = VERSIONS.response_headers
