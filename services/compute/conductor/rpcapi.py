"""Client side of the compute conductor RPC API.

Version history:
    1.0 - build_instances, reschedule_instance, migrate_server,
          evacuate_server, ping
    1.1 - unshelve_instance
    1.2 - build_instances, reschedule_instance, migrate_server,
          evacuate_server and unshelve_instance take a RequestSpec object
          (the dict before)
    1.3 - placement (the placement API's operations on the claim data)
    1.4 - reserve_block_device_name (call: a volume's mapping and device name)
    1.5 - evacuate_server takes ``target_state`` (2.95)
    1.6 - reschedule_instance takes ``claim_released``: the compute host gave
          the failed host's claim back with the server (Instance 1.2
          save_and_release)
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc
from services.compute.objects import base as obj_base
from services.compute.objects import request_spec as spec_obj

CONF = cfg.CONF
TOPIC = 'compute-conductor'
RPC_API_VERSION = '1.6'
#: The first version whose evacuate_server takes ``target_state``.
EVACUATE_TARGET_STATE = '1.5'
#: The first version whose reschedule_instance takes ``claim_released``; a
#: conductor this new also serves Instance 1.2 (save_and_release).
RESCHEDULE_CLAIM_RELEASED = '1.6'


class ConductorAPI:
    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.conductor,
                                     serializer=obj_base.Serializer())

    def _cast(self, context, method, spec, legacy_version, **kwargs):
        """Cast with the RequestSpec ``spec`` (its dict at ``legacy_version``
        to a conductor older than 1.2)."""
        version, request_spec = spec_obj.wire_form(self.client, '1.2', legacy_version, spec)
        self.client.prepare(version=version).cast(context, method,
                                                  request_spec=request_spec, **kwargs)

    def ping(self, context, timeout):
        """Answer when the conductor is up (call with a short timeout)."""
        return self.client.prepare(version='1.0', timeout=timeout).call(context, 'ping')

    def build_instances(self, context, instance_uuids, request_spec):
        """Schedule, claim and start building; answers nothing (cast)."""
        self._cast(context, 'build_instances', request_spec, '1.0',
                   instance_uuids=instance_uuids)

    def reschedule_instance(self, context, instance_uuid, request_spec, failed_host, reason,
                            claim_released=False):
        """A compute host failed a build: try the next host or give up.
        ``claim_released``: the host gave its claim back already, with the
        server (only sent to a conductor of 1.6 or later)."""
        if not claim_released:
            self._cast(context, 'reschedule_instance', request_spec, '1.0',
                       instance_uuid=instance_uuid, failed_host=failed_host, reason=reason)
            return
        rpc.require_version(self.client, RESCHEDULE_CLAIM_RELEASED, 'conductor')
        self.client.prepare(version=RESCHEDULE_CLAIM_RELEASED).cast(
            context, 'reschedule_instance', request_spec=request_spec,
            instance_uuid=instance_uuid, failed_host=failed_host, reason=reason,
            claim_released=True)

    def migrate_server(self, context, instance_uuid, flavorid, request_spec):
        """Resize (new flavor) or cold migrate (``flavorid`` None)."""
        self._cast(context, 'migrate_server', request_spec, '1.0',
                   instance_uuid=instance_uuid, flavorid=flavorid)

    def evacuate_server(self, context, instance_uuid, host, request_spec, target_state=None):
        """Rebuild a server whose host is down on another host;
        ``target_state`` ``stopped`` leaves it powered off there (2.95)."""
        if target_state is None:
            self._cast(context, 'evacuate_server', request_spec, '1.0',
                       instance_uuid=instance_uuid, host=host)
            return
        rpc.require_version(self.client, EVACUATE_TARGET_STATE, 'conductor')
        self.client.prepare(version=EVACUATE_TARGET_STATE).cast(
            context, 'evacuate_server', request_spec=request_spec,
            instance_uuid=instance_uuid, host=host, target_state=target_state)

    def unshelve_instance(self, context, instance_uuid, request_spec):
        """Schedule and claim a host for a shelved-offloaded server and have
        it spawn there."""
        rpc.require_version(self.client, '1.1', 'conductor')
        self._cast(context, 'unshelve_instance', request_spec, '1.1',
                   instance_uuid=instance_uuid)

    def placement(self, context, operation, args):
        """Run one of ``conductor/placement.py:OPERATIONS`` and answer its
        result (call)."""
        rpc.require_version(self.client, '1.3', 'conductor')
        return self.client.prepare(version='1.3').call(
            context, 'placement', operation=operation, args=args)

    def reserve_block_device_name(self, context, bdm, guest_devices):
        """Write the BlockDeviceMapping ``bdm`` with the device name it gets
        (the requested one when free, else the next ``/dev/vdX`` after the
        server's mappings and ``guest_devices``); answers it (call)."""
        rpc.require_version(self.client, '1.4', 'conductor')
        return self.client.prepare(version='1.4').call(
            context, 'reserve_block_device_name', bdm=bdm, guest_devices=guest_devices)
