"""``[store]``: where image data lives."""

from oslo_config import cfg

store_group = cfg.OptGroup('store', title='Image data store options')

store_opts = [
    cfg.StrOpt('driver', default='filesystem',
               choices=[('filesystem', 'Files in a local directory'),
                        ('fake', 'In-memory store for tests')],
               help='Store driver holding image data.'),
    cfg.StrOpt('filesystem_datadir',
               help='Directory of the filesystem store. Defaults to '
                    '$state_path/image/images.'),
]


def register_opts(conf):
    # a fresh group object per ConfigOpts: overrides live on the group
    conf.register_group(cfg.OptGroup(store_group.name, title=store_group.title))
    conf.register_opts(store_opts, group=store_group.name)


def list_opts():
    return [(store_group, store_opts)]
