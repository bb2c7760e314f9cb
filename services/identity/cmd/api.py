"""alto-identity-api: the Identity v3 API on port 5000."""

from common import service  # noqa: F401  first: patches concurrency

import sys  # noqa: E402

from common import config  # noqa: E402
from common import log  # noqa: E402
from services.identity import conf as identity_conf  # noqa: E402
from services.identity import db as identity_db  # noqa: E402

DEFAULT_PORT = 5000
LOG = log.getLogger(__name__)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    conf = config.CONF
    identity_conf.register_opts(conf)
    identity_db.register_opts(conf)  # the API owns the identity database
    config.parse_args(argv, prog='alto-identity-api')
    log.setup(conf, 'alto-identity-api')

    from common.revocation import bus
    from services.identity.api import app as identity_app
    from services.identity.backends import load_drivers

    state = {}

    def app_factory():
        # built in each worker, after the fork, so no DB connection is shared
        publisher = bus.Publisher(conf) if conf.revocation.enabled else None
        app, managers = identity_app.build(conf, load_drivers(conf), publisher)
        state['managers'] = managers
        service.looping(lambda: managers.revoke.prune(), 600, initial_delay=60)
        return app

    port = conf.api.bind_port or DEFAULT_PORT
    server = service.WSGIService('alto-identity-api', app_factory, conf.api.bind_host, port,
                                 workers=conf.api.workers)
    service.serve(conf, [server], workers=conf.api.workers)


if __name__ == '__main__':
    sys.exit(main())
