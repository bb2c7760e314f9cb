"""``[credential]``: the credentials API and the keys that encrypt its blobs."""

from oslo_config import cfg

credential_group = cfg.OptGroup('credential', title='Credentials (/v3/credentials)')
credential_opts = [
    cfg.StrOpt('key_repository', default='$state_path/credential-keys',
               help='Directory of the fernet keys that encrypt credential blobs '
                    'at rest (0 is the staged key, the highest number the '
                    'primary). Created by "alto-manage identity credential_setup", '
                    'rotated by "credential_rotate". Keep it apart from the token '
                    'keys: losing a key here loses the credentials it encrypted.'),
    cfg.IntOpt('user_limit', default=-1, min=-1,
               help='Most credentials one user may own (-1: no limit).'),
]

ALL = ((credential_group, credential_opts),)


def register_opts(conf):
    for group, opts in ALL:
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts():
    return list(ALL)
