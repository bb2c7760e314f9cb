"""Start-up shared by the three storage servers."""

from common import service

import sys  # noqa: E402

from common import config  # noqa: E402
from common import log  # noqa: E402
from services.objectstore import conf as objectstore_conf  # noqa: E402


def run(prog, server_class, port_option, argv=None):
    argv = sys.argv if argv is None else argv
    objectstore_conf.register_opts(config.CONF)
    config.parse_args(argv, prog=prog)
    conf = config.CONF
    log.setup(conf, prog)
    if not (conf.objectstore.hash_path_prefix or conf.objectstore.hash_path_suffix):
        raise SystemExit('%s: set [objectstore] hash_path_prefix or hash_path_suffix' % prog)
    port = getattr(conf.storage, port_option)
    server = service.WSGIService(prog, lambda: server_class(conf), conf.storage.bind_host,
                                 port)
    service.settle_startup_heap()
    service.serve(conf, [server])
