"""Start-up shared by the volume daemons."""

import time

import oslo_messaging as messaging
from oslo_log import log as logging

from common import config
from common import context as alto_context
from common import log
from common import rpc
from services.volume import conf as volume_conf
from services.volume.conductor import rpcapi as conductor_rpcapi

CONF = config.CONF
EXMODS = ['services.volume.exception']
LOG = logging.getLogger(__name__)


def wait_for_conductor(interval=2):
    """Block until the conductor answers: RabbitMQ drops messages sent to a
    topic nobody has declared yet, so a daemon that starts first would lose
    its first calls."""
    api = conductor_rpcapi.ConductorAPI()
    while True:
        try:
            api.ping(alto_context.get_admin_context(), timeout=interval)
            return
        except messaging.MessagingTimeout:
            LOG.info('Waiting for the volume conductor to answer')
            time.sleep(0.5)


def setup(argv, name, conductor=False, with_clients=False, register_extra=None):
    """Parse config, set up logging and RPC; a DB-free daemon also gets the
    DB ban (any database use fails loudly)."""
    config.register_common_opts(CONF)
    volume_conf.register_opts(CONF, with_clients=with_clients)
    if register_extra:
        register_extra(CONF)
    config.parse_args(argv, prog=name)
    log.setup(CONF, name)
    rpc.init(CONF, exmods=EXMODS)
    if not conductor:
        from common import db
        db.forbid('%s has no database access; it uses the conductor' % name)
