"""Start-up shared by the compute daemons."""

import time

import oslo_messaging as messaging
from oslo_log import log as logging

from common import config
from common import context as alto_context
from common import log
from common import objects as common_objects
from common import rpc
from services.compute import conf as compute_conf
from services.compute import objects
from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.objects import base as obj_base

CONF = config.CONF
EXMODS = ['services.compute.exception']
LOG = logging.getLogger(__name__)


def wait_for_conductor(interval=2):
    """Block until the conductor answers.  RabbitMQ drops messages sent to a
    topic nobody has declared yet, so a daemon that starts before the
    conductor would otherwise lose its first calls and wait out the timeout."""
    api = conductor_rpcapi.ConductorAPI()
    while True:
        try:
            api.ping(alto_context.get_admin_context(), timeout=interval)
            return
        except (messaging.MessagingTimeout, messaging.MessageDeliveryFailure):
            LOG.info('Waiting for the compute conductor to answer')
            time.sleep(0.5)


def setup(argv, name, conductor=False, register_extra=None, with_clients=True,
          send_retry=None):
    """Parse config, set up logging and RPC; DB-free daemons get the
    conductor as their object indirection API and the DB ban.
    ``with_clients``: the daemon calls the image and network services.
    ``send_retry``: see :func:`common.rpc.init` (bounded in the API)."""
    config.register_common_opts(CONF)
    compute_conf.register_opts(CONF, with_clients=with_clients)
    if register_extra:
        register_extra(CONF)
    config.parse_args(argv, prog=name)
    log.setup(CONF, name)
    rpc.init(CONF, exmods=EXMODS, send_retry=send_retry)
    objects.register_all()
    if not conductor:
        from common import db
        db.forbid('%s has no database access; it uses the conductor' % name)
        obj_base.ComputeObject.indirection_api = common_objects.ObjectIndirectionAPI(
            conductor_rpcapi.TOPIC, obj_base.Serializer(),
            version_cap=CONF.upgrade_levels.conductor)
