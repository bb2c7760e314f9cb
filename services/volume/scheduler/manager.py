"""Volume scheduler: places new volumes on a backend (DB-free; it reads the
backends' capacity reports through the conductor)."""

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_log import log as logging

from services.volume import exception
from services.volume import messages
from services.volume import rpc_errors
from services.volume.conductor import rpcapi as conductor_rpcapi
from services.volume.scheduler import filters
from services.volume.scheduler import rpcapi
from services.volume.volume import rpcapi as volume_rpcapi

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
BINARY = 'alto-volume-scheduler'


class SchedulerManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def __init__(self, host=None):
        self.host = host or CONF.host
        self.conductor = conductor_rpcapi.ConductorAPI()
        self.volume_api = volume_rpcapi.VolumeAPI()

    def report_state(self):
        from common import context
        self.conductor.service_report(context.get_admin_context(), self.host, BINARY,
                                      rpcapi.TOPIC, CONF.volume.availability_zone)

    def create_volume(self, context, volume_id, request_spec):
        """Place the volume.  The conductor may be restarting: its calls are
        asked again (a repeated placement names the same host; each update
        expects ``creating``, so a volume the conductor's clean-up failed
        meanwhile, or a deleted one, stops here)."""
        admin = context.elevated()
        retried = rpc_errors.retried
        backends = retried(self.conductor.backend_list, admin)
        chosen, failed = filters.choose(backends, request_spec)
        try:
            if not chosen:
                reason = 'No valid backend was found (no backend passed the %s filter).' % failed
                LOG.warning('Volume %s: %s', volume_id, reason)
                volume = retried(self.conductor.volume_update, admin, volume_id,
                                 {'status': 'error', 'error_reason': reason},
                                 {'status': ['creating']})
                retried(self.conductor.message_create, admin, volume['project_id'],
                        messages.RESOURCE_VOLUME, volume_id, messages.SCHEDULE,
                        messages.NO_BACKEND)
                return
            host = chosen[0]['host']
            retried(self.conductor.volume_update, admin, volume_id,
                    {'host': host, 'availability_zone': chosen[0]['availability_zone']},
                    {'status': ['creating']})
        except (exception.VolumeNotFound, exception.InvalidVolume) as exc:
            LOG.info('Volume %s moved on before it was placed: %s', volume_id, exc)
            return
        self.volume_api.create_volume(context, host, volume_id, request_spec)
