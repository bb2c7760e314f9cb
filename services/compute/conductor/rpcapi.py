"""Client side of the compute conductor RPC API.

Version history:
    1.0 - build_instances, reschedule_instance, migrate_server,
          evacuate_server, ping
    1.1 - unshelve_instance
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc
from services.compute import exception
from services.compute.objects import base as obj_base

CONF = cfg.CONF
TOPIC = 'compute-conductor'
RPC_API_VERSION = '1.1'


def require(api, version):
    """409 when ``[upgrade_levels] conductor`` keeps ``version`` from being
    sent: callers check before they change a server's state."""
    if not api.client.can_send_version(version):
        raise exception.RPCVersionCapped(service='conductor', version=version)


class ConductorAPI:
    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.conductor,
                                     serializer=obj_base.Serializer())

    def ping(self, context, timeout):
        """Answer when the conductor is up (call with a short timeout)."""
        return self.client.prepare(version='1.0', timeout=timeout).call(context, 'ping')

    def build_instances(self, context, instance_uuids, request_spec):
        """Schedule, claim and start building; answers nothing (cast)."""
        self.client.prepare(version='1.0').cast(
            context, 'build_instances', instance_uuids=instance_uuids,
            request_spec=request_spec)

    def reschedule_instance(self, context, instance_uuid, request_spec, failed_host, reason):
        """A compute host failed a build: try the next host or give up."""
        self.client.prepare(version='1.0').cast(
            context, 'reschedule_instance', instance_uuid=instance_uuid,
            request_spec=request_spec, failed_host=failed_host, reason=reason)

    def migrate_server(self, context, instance_uuid, flavorid, request_spec):
        """Resize (new flavor) or cold migrate (``flavorid`` None)."""
        self.client.prepare(version='1.0').cast(
            context, 'migrate_server', instance_uuid=instance_uuid, flavorid=flavorid,
            request_spec=request_spec)

    def evacuate_server(self, context, instance_uuid, host, request_spec):
        """Rebuild a server whose host is down on another host."""
        self.client.prepare(version='1.0').cast(
            context, 'evacuate_server', instance_uuid=instance_uuid, host=host,
            request_spec=request_spec)

    def unshelve_instance(self, context, instance_uuid, request_spec):
        """Schedule and claim a host for a shelved-offloaded server and have
        it spawn there."""
        require(self, '1.1')
        self.client.prepare(version='1.1').cast(
            context, 'unshelve_instance', instance_uuid=instance_uuid,
            request_spec=request_spec)
