"""``[storage]`` and ``[catalog]``: where identity keeps its data.

``[database]`` (the SQL backend's URL) is registered by
``services.identity.db.register_opts``, for the API and alto-manage only.
"""

from oslo_config import cfg

storage_group = cfg.OptGroup('storage', title='Identity storage backend')
storage_opts = [
    cfg.StrOpt('backend', default='sql', choices=['sql', 'memory'],
               help='Where users, projects, roles, assignments, the catalog, '
                    'application credentials and revocation events live. '
                    '"sql" uses [database] connection; "memory" keeps '
                    'everything in the process and loses it on restart '
                    '(tests and throw-away clouds only).'),
]

catalog_group = cfg.OptGroup('catalog', title='Service catalog backend')
catalog_opts = [
    cfg.StrOpt('driver', default='sql', choices=['sql', 'templated'],
               help='Source of regions, services and endpoints. "sql" keeps '
                    'them with the rest of the identity data (in memory when '
                    '[storage] backend is memory) and lets the API edit '
                    'them; "templated" reads [catalog] template_file and is '
                    'read-only.'),
    cfg.StrOpt('template_file',
               default='/etc/altostratus/default_catalog.templates',
               help='Keystone-format catalog template used when [catalog] '
                    'driver is templated: lines such as '
                    '"catalog.RegionOne.identity.publicURL = '
                    'http://127.0.0.1:5000/v3".'),
]


def register_opts(conf):
    conf.register_group(storage_group)
    conf.register_opts(storage_opts, group=storage_group)
    conf.register_group(catalog_group)
    conf.register_opts(catalog_opts, group=catalog_group)


def list_opts():
    return [(storage_group, storage_opts),
            (catalog_group, catalog_opts)]
