"""``[store]``: where image data lives."""

from oslo_config import cfg

store_group = cfg.OptGroup('store', title='Image data store options')

store_opts = [
    cfg.StrOpt('driver', default='filesystem',
               choices=[('filesystem', 'Files in a local directory'),
                        ('objectstore', 'Objects in the object store (Swift v1 API), in a '
                                        'container of the image service\'s own project'),
                        ('fake', 'In-memory store for tests')],
               help='Store driver holding image data.'),
    cfg.StrOpt('filesystem_datadir',
               help='Directory of the filesystem store. Defaults to '
                    '$state_path/image/images.'),
    cfg.StrOpt('objectstore_container', default='images',
               help='Container of the objectstore driver, in the account of the project '
                    'the [keystone_authtoken] credentials are scoped to.'),
    cfg.IntOpt('objectstore_large_object_size', default=1024 ** 3, min=1,
               help='Bytes of image data the objectstore driver keeps in one object; a '
                    'larger image is written as segments of this size plus a manifest. '
                    'At most the object store\'s max_file_size.'),
    cfg.ListOpt('objectstore_interface', default=['internal', 'public'],
                help='Catalog interfaces of the object-store endpoint, tried in order.'),
    cfg.StrOpt('objectstore_region_name',
               help='Catalog region of the object-store endpoint; by default '
                    '[keystone_authtoken] region_name.'),
    cfg.StrOpt('objectstore_endpoint_override',
               help='Storage URL (http://host:8080/v1/AUTH_<project>) used instead of '
                    'the catalog entry.'),
    cfg.FloatOpt('objectstore_timeout', default=60.0, min=0.1,
                 help='Seconds the objectstore driver waits to connect to the object '
                      'store and for each of its answers.'),
]


def register_opts(conf):
    # a fresh group object per ConfigOpts: overrides live on the group
    conf.register_group(cfg.OptGroup(store_group.name, title=store_group.title))
    conf.register_opts(store_opts, group=store_group.name)


def list_opts():
    return [(store_group, store_opts)]
