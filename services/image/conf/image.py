"""``[image]``: behaviour of the Image v2 API."""

from oslo_config import cfg

image_group = cfg.OptGroup('image', title='Image API options')

DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso',
                'ploop']
CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed']

image_opts = [
    cfg.IntOpt('image_size_cap', default=1099511627776, min=1,
               help='Largest image, in bytes, that may be uploaded or staged. '
                    'Larger uploads fail with 413 and leave no data behind.'),
    cfg.IntOpt('chunk_size', default=1024 * 1024, min=4096,
               help='Bytes read or written per step while streaming image data. '
                    'Each transfer holds about three such blocks in memory.'),
    cfg.ListOpt('disk_formats', default=DISK_FORMATS,
                help='Disk formats images may declare.'),
    cfg.ListOpt('container_formats', default=CONTAINER_FORMATS,
                help='Container formats images may declare.'),
    cfg.ListOpt('enabled_import_methods', default=['glance-direct', 'web-download'],
                help='Interoperable import methods offered by /v2/images/{id}/import. '
                     'Supported: glance-direct, web-download.'),
    cfg.ListOpt('web_download_allowed_schemes', default=['http', 'https'],
                help='URL schemes web-download imports and import tasks may fetch.'),
    cfg.ListOpt('web_download_allowed_ports', item_type=int, default=[80, 443],
                help='Ports web-download imports and import tasks may fetch from '
                     '(checked again at every redirect).'),
    cfg.ListOpt('web_download_disallowed_hosts', default=['169.254.169.254'],
                help='Host names and addresses web-download imports and import tasks '
                     'must not fetch from (compared as written in the URL, so also block '
                     'internal networks from the API host itself). The default keeps the '
                     'metadata address out.'),
    cfg.IntOpt('web_download_timeout', default=60, min=1,
               help='Seconds a web-download fetch may wait for the remote server.'),
    cfg.BoolOpt('require_image_format_match', default=True,
                help='Refuse uploaded or imported data that is not the image\'s declared '
                     'disk_format (qcow2, vmdk, vhd, vhdx, vdi, iso by their headers; raw, '
                     'ami, ari and aki when no other format claims the data), and qcow2 '
                     'or vmdk images that refer to other files. 400 on mismatch.'),
    cfg.StrOpt('staging_dir',
               help='Directory holding data staged for import. Defaults to '
                    '$state_path/image/staging.'),
    cfg.IntOpt('limit_param_default', default=25, min=1,
               help='Page size of image lists when the client gives no limit.'),
    cfg.IntOpt('api_limit_max', default=1000, min=1,
               help='Largest page size a client may ask for.'),
    cfg.StrOpt('policy_file', default='image-policy.yaml',
               help='Policy overrides for the image API (rules default in code).'),
]


def register_opts(conf):
    # a fresh group object per ConfigOpts: overrides live on the group
    conf.register_group(cfg.OptGroup(image_group.name, title=image_group.title))
    conf.register_opts(image_opts, group=image_group.name)


def list_opts():
    return [(image_group, image_opts)]
