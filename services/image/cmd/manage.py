"""``alto-manage image ...``: operator commands of the image service."""

from common.cmd import manage


def _prepare(conf):
    from services.image import conf as image_conf
    from services.image import db as image_db
    image_conf.register_opts(conf)
    image_db.register_opts(conf)


def _load_metadefs(conf):
    """After ``db sync``: the metadata definitions catalogue the image API ships."""
    from common import db
    from services.image import metadef_catalogue
    from services.image.db import api as db_api
    db.configure(db_api.SERVICE, conf)
    created = metadef_catalogue.load()
    print('metadata definitions: %d namespaces loaded' % len(created))


def register(subparsers):
    manage.add_db_commands(subparsers, 'image', _prepare, after_sync=_load_metadefs)
