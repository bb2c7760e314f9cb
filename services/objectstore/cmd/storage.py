"""Start-up shared by the storage servers and the storage node's background
daemons."""

from common import service

import sys  # noqa: E402

from oslo_config import cfg  # noqa: E402
from oslo_log import log as logging  # noqa: E402

from common import config  # noqa: E402
from common import log  # noqa: E402
from services.objectstore import conf as objectstore_conf  # noqa: E402

LOG = logging.getLogger(__name__)
ONCE = cfg.BoolOpt('once', default=False, help='Make one pass, then exit.')


def _setup(prog, argv, cli_opts=()):
    argv = sys.argv if argv is None else argv
    objectstore_conf.register_opts(config.CONF)
    for opt in cli_opts:
        config.CONF.register_cli_opt(opt)
    config.parse_args(argv, prog=prog)
    conf = config.CONF
    log.setup(conf, prog)
    if not (conf.objectstore.hash_path_prefix or conf.objectstore.hash_path_suffix):
        raise SystemExit('%s: set [objectstore] hash_path_prefix or hash_path_suffix' % prog)
    return conf


def run(prog, server_class, port_option, argv=None):
    conf = _setup(prog, argv)
    port = getattr(conf.storage, port_option)
    server = service.WSGIService(
        prog, lambda: server_class(conf, offload=service.run_in_thread, spawn=service.spawn),
        conf.storage.bind_host, port, workers=conf.storage.workers)
    service.settle_startup_heap()
    service.serve(conf, [server], workers=conf.storage.workers)


def run_background(prog, make_pass, interval_of, argv=None):
    """A background daemon: ``make_pass(conf)`` returns the function making
    one pass (it returns what to log); repeated every ``interval_of(conf)``
    seconds, or once with ``--once``."""
    from services.objectstore.common import node

    conf = _setup(prog, argv, (ONCE,))
    one_pass = make_pass(conf)

    def logged_pass():
        LOG.info('%s pass done: %s', prog, one_pass())

    return node.run_forever(prog, logged_pass, interval_of(conf), conf.once, service.sleep)
