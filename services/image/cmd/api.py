"""``alto-image-api``: the Image v2 REST API (port 9292)."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402

from oslo_log import log as logging  # noqa: E402

from common import config  # noqa: E402
from common import db  # noqa: E402
from common import log  # noqa: E402
from services.image import conf as image_conf  # noqa: E402
from services.image import db as image_db  # noqa: E402
from services.image import pipeline  # noqa: E402
from services.image import store as image_store  # noqa: E402
from services.image.api import app  # noqa: E402
from services.image.db import api as db_api  # noqa: E402

LOG = logging.getLogger(__name__)
DEFAULT_PORT = 9292


def main(argv=None):
    argv = sys.argv if argv is None else argv
    image_conf.register_opts(config.CONF)
    image_db.register_opts(config.CONF)  # the API owns the image database
    config.parse_args(argv, prog='alto-image-api')
    conf = config.CONF
    log.setup(conf, 'alto-image-api')
    pipeline.use_native_runner(service.submit_native)
    db.configure(db_api.SERVICE, conf)
    store = image_store.get_store(conf)
    if hasattr(store, 'cleanup_partials'):
        store.cleanup_partials()  # left by a crash mid-upload
    port = conf.api.bind_port or DEFAULT_PORT
    server = service.WSGIService('alto-image-api', lambda: app.setup_app(conf, store=store),
                                 conf.api.bind_host, port, workers=conf.api.workers)
    service.serve(conf, [server], workers=conf.api.workers)


if __name__ == '__main__':
    main()
