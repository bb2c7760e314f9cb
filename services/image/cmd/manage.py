"""``alto-manage image ...``: operator commands of the image service."""

from common import db
from services.image import conf as image_conf
from services.image.db import api as db_api


def _prepare(conf):
    image_conf.register_opts(conf)


def db_sync(args):
    from common import config
    from services.image import metadef_catalogue
    db.sync(db_api.SERVICE, config.CONF.database.connection)
    print('image database is at revision %s' % db.current_revision(
        db_api.SERVICE, config.CONF.database.connection))
    db.configure(db_api.SERVICE, config.CONF)
    created = metadef_catalogue.load()
    print('metadata definitions: %d namespaces loaded' % len(created))


def register(subparsers):
    sync = subparsers.add_parser('db', help='database commands')
    sync_commands = sync.add_subparsers(dest='db_command', metavar='db_command',
                                        required=True)
    cmd = sync_commands.add_parser('sync', help='upgrade the image schema to the latest')
    cmd.set_defaults(func=db_sync, prepare_conf=_prepare)
