"""Options of the identity API itself: passwords, tokens and fernet keys."""

from oslo_config import cfg

identity_group = cfg.OptGroup('identity', title='Users and passwords')
identity_opts = [
    cfg.StrOpt('default_domain_id', default='default',
               help='Domain of users and projects named without a domain.'),
    cfg.IntOpt('password_hash_rounds', default=12, min=4, max=31,
               help='bcrypt cost factor (log2 of the rounds) for new password '
                    'hashes; 12 matches upstream keystone.'),
    cfg.IntOpt('max_password_length', default=4096, min=1,
               help='Longest password accepted. bcrypt only uses the first '
                    '72 bytes.'),
    cfg.IntOpt('list_limit', default=0, min=0,
               help='Largest number of entities a list call returns '
                    '(0: no limit).'),
]

token_group = cfg.OptGroup('token', title='Token issue and validation')
token_opts = [
    cfg.IntOpt('expiration', default=3600, min=60,
               help='Seconds a token stays valid.'),
    cfg.BoolOpt('allow_rescope_scoped_token', default=True,
                help='Whether a scoped token may be exchanged for a token '
                     'with another scope.'),
    cfg.FloatOpt('validation_cache_time', default=30.0, min=0,
                 help='Seconds a validated token body may be reused. Any '
                      'change made through this process invalidates it at '
                      'once; the time bounds how long a change made by '
                      'another API worker can take to show.'),
    cfg.FloatOpt('revoke_refresh_interval', default=1.0, min=0,
                 help='Seconds between reloads of revocation events that '
                      'other API workers stored (0: on every validation).'),
]

fernet_group = cfg.OptGroup('fernet_tokens', title='Fernet key repository')
fernet_opts = [
    cfg.StrOpt('key_repository', default='$state_path/fernet-keys',
               help='Directory holding the fernet keys (0 is the staged key, '
                    'the highest number the primary).'),
    cfg.IntOpt('max_active_keys', default=3, min=1,
               help='Keys kept by fernet-rotate: primary, staged and the '
                    'secondaries still accepted for validation.'),
]

# [credential]: the credentials API and the keys that encrypt its blobs.
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


ALL = ((identity_group, identity_opts), (token_group, token_opts),
       (fernet_group, fernet_opts), (credential_group, credential_opts))


def register_opts(conf):
    for group, opts in ALL:
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts():
    return list(ALL)
