"""``alto-manage compute ...``: database commands (run where the conductor runs)."""

from common import db
from common.cmd import manage


def register(subparsers):
    manage.add_db_commands(subparsers, 'compute', _prepare)
    flavor = subparsers.add_parser('flavor_create', help='Create a flavor if missing.')
    for name in ('name', 'ram', 'vcpus', 'disk'):
        flavor.add_argument(name)
    flavor.add_argument('--id')
    flavor.set_defaults(func=_flavor_create, prepare_conf=_prepare)


def _prepare(conf):
    from services.compute import conf as compute_conf
    compute_conf.register_opts(conf)
    from services.compute import db as compute_db
    compute_db.register_opts(conf)


def _flavor_create(args):
    from common import config
    from common import context
    from services.compute import exception
    from services.compute import objects
    from services.compute.db import api as db_api
    from services.compute.objects import base
    from services.compute.objects import flavor as flavor_obj
    objects.register_all()
    db.configure('compute', config.CONF)
    base.set_db_backend(db_api)
    ctx = context.get_admin_context()
    try:
        flavor_obj.Flavor.get_by_name(ctx, args.name)
        return 0
    except exception.FlavorNotFound:
        pass
    flavor = flavor_obj.Flavor(ctx, flavorid=args.id or args.name, name=args.name,
                               memory_mb=int(args.ram), vcpus=int(args.vcpus),
                               root_gb=int(args.disk), ephemeral_gb=0, swap=0,
                               rxtx_factor=1.0, is_public=True, disabled=False,
                               extra_specs={})
    flavor.create()
    print(flavor.flavorid)
