"""Client side of the compute scheduler RPC API.

Version history:
    1.0 - select_destinations
    1.1 - select_destinations takes a RequestSpec object (the dict before)
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc
from services.compute.objects import base as obj_base
from services.compute.objects import request_spec as spec_obj

CONF = cfg.CONF
TOPIC = 'compute-scheduler'
RPC_API_VERSION = '1.1'


class SchedulerAPI:
    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.scheduler,
                                     serializer=obj_base.Serializer())

    def select_destinations(self, context, request_spec, num_instances, excluded_hosts=()):
        """Hosts ranked best first for each of ``num_instances`` (call)."""
        version, request_spec = spec_obj.wire_form(self.client, '1.1', '1.0', request_spec)
        return self.client.prepare(version=version).call(
            context, 'select_destinations', request_spec=request_spec,
            num_instances=num_instances, excluded_hosts=list(excluded_hosts))
