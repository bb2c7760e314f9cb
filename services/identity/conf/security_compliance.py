"""``[security_compliance]``: password and account rules for local users.

Every rule is off by default, as in keystone.  A user's ``options``
(``ignore_lockout_failure_attempts``, ``ignore_password_expiry``,
``ignore_change_password_upon_first_use``, ``ignore_user_inactivity``,
``lock_password``) exempt it from one rule each, e.g. for service users.
"""

from oslo_config import cfg

opts = [
    cfg.IntOpt('disable_user_account_days_inactive', min=1,
               help='Days without a successful authentication after which a '
                    'user can no longer authenticate (401) until an '
                    'administrator enables it again. Unset: never.'),
    cfg.IntOpt('lockout_failure_attempts', min=1,
               help='Wrong passwords in a row after which the account is '
                    'locked (401 even with the right password) for '
                    'lockout_duration seconds. Unset: no lockout.'),
    cfg.IntOpt('lockout_duration', default=1800, min=1,
               help='Seconds an account stays locked after '
                    'lockout_failure_attempts wrong passwords.'),
    cfg.IntOpt('password_expires_days', min=1,
               help='Days a new password stays valid; an expired password '
                    'answers 401 until the user changes it through POST '
                    '/v3/users/{id}/password. Unset: passwords do not expire.'),
    cfg.IntOpt('unique_last_password_count', default=0, min=0,
               help='How many of the latest passwords (the current one '
                    'included) a self-service change may not reuse (400). '
                    'Administrators resetting a password are not held to '
                    'it. 0: no history check.'),
    cfg.IntOpt('minimum_password_age', default=0, min=0,
               help='Days a password set by its user must be kept before '
                    'the user may change it again (400). A password an '
                    'administrator set may be changed at once. 0: any time.'),
    cfg.StrOpt('password_regex',
               help='Regular expression every new password must match '
                    '(400 otherwise), e.g. ^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$. '
                    'Unset: any password.'),
    cfg.StrOpt('password_regex_description',
               help='The password_regex requirement in words; the 400 '
                    'answer shows it to the user.'),
    cfg.BoolOpt('change_password_upon_first_use', default=False,
                help='A password an administrator sets (creating the user '
                     'or resetting it) is expired at once, so the user must '
                     'choose its own through POST /v3/users/{id}/password '
                     'before it can authenticate.'),
]


def _group():
    # a new OptGroup per registration: oslo.config keeps a shallow copy whose
    # option table (and so any set_override) would be shared between configs
    return cfg.OptGroup('security_compliance', title='Password and account rules')


def register_opts(conf):
    group = _group()
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(_group(), opts)]
