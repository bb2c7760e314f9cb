"""Client of the volume scheduler (DB-free: it reads backends from the
conductor).

Version history:
    1.0 - create_volume
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc

CONF = cfg.CONF
TOPIC = 'volume-scheduler'
RPC_API_VERSION = '1.0'


class SchedulerAPI:
    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.volume_scheduler)

    def create_volume(self, context, volume_id, request_spec):
        """Pick a backend for a ``creating`` volume and have it build there
        (cast).  ``request_spec``: size, availability_zone, volume_type
        (with extra_specs), source_host (a clone or a volume from a
        snapshot stays on its source's backend)."""
        self.client.prepare(version='1.0').cast(context, 'create_volume', volume_id=volume_id,
                                                request_spec=request_spec)
