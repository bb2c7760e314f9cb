"""``alto-manage identity ...``: db sync|version|upgrade, bootstrap, fernet-setup,
fernet-rotate, credential_setup, credential_rotate, credential_migrate."""

import sys

from common.cmd import manage
from services.identity import conf as identity_conf
from services.identity import db as identity_db


def _register(conf):
    identity_conf.register_opts(conf)
    identity_db.register_opts(conf)


def _conf():
    from common import config
    return config.CONF


def fernet_setup(args):
    from services.identity.token import keys
    conf = _conf()
    indexes = keys.setup(conf.fernet_tokens.key_repository,
                         conf.fernet_tokens.max_active_keys)
    print('fernet keys in %s: %s' % (conf.fernet_tokens.key_repository,
                                     ' '.join(map(str, indexes))))


def fernet_rotate(args):
    from services.identity.token import keys
    conf = _conf()
    indexes = keys.rotate(conf.fernet_tokens.key_repository,
                          conf.fernet_tokens.max_active_keys)
    print('fernet keys in %s: %s' % (conf.fernet_tokens.key_repository,
                                     ' '.join(map(str, indexes))))


def _fail(exc):
    print(exc, file=sys.stderr)
    return 1


def credential_setup(args):
    from services.identity.core import credential_keys
    conf = _conf()
    indexes = credential_keys.setup(conf)
    print('credential keys in %s: %s' % (conf.credential.key_repository,
                                         ' '.join(map(str, indexes))))


def credential_rotate(args):
    from common import exception
    from services.identity.backends import load_drivers
    from services.identity.core import credential_keys
    conf = _conf()
    try:
        indexes = credential_keys.rotate(conf, load_drivers(conf).credential)
    except exception.AltoError as exc:
        return _fail(exc)
    print('credential keys in %s: %s' % (conf.credential.key_repository,
                                         ' '.join(map(str, indexes))))


def credential_migrate(args):
    from common import exception
    from services.identity.backends import load_drivers
    from services.identity.core import build_managers
    conf = _conf()
    try:
        migrated, failed = build_managers(conf, load_drivers(conf)).credential.migrate()
    except exception.AltoError as exc:
        return _fail(exc)
    print('%d credential(s) re-encrypted with the primary key' % migrated)
    if failed:
        return _fail('%d credential(s) cannot be decrypted (their key is not in %s): %s'
                     % (len(failed), conf.credential.key_repository, ' '.join(failed)))


def run_bootstrap(args):
    from services.identity import bootstrap
    from services.identity.backends import load_drivers
    from services.identity.core import build_managers
    password = args.bootstrap_password
    if not password:
        print('--bootstrap-password (or OS_BOOTSTRAP_PASSWORD) is required', file=sys.stderr)
        return 2
    conf = _conf()
    managers = build_managers(conf, load_drivers(conf))
    opts = bootstrap.BootstrapOptions(
        password=password, username=args.bootstrap_username,
        project_name=args.bootstrap_project_name, role_name=args.bootstrap_role_name,
        service_name=args.bootstrap_service_name, region_id=args.bootstrap_region_id,
        public_url=args.bootstrap_public_url, internal_url=args.bootstrap_internal_url,
        admin_url=args.bootstrap_admin_url)
    bootstrap.bootstrap(managers, opts)
    return 0


def register(subparsers):
    import os
    manage.add_db_commands(subparsers, 'identity', _register)

    boot = subparsers.add_parser('bootstrap', help='create the admin user, project, roles '
                                 'and the identity endpoints (idempotent)')
    boot.add_argument('--bootstrap-password', default=os.environ.get('OS_BOOTSTRAP_PASSWORD'))
    boot.add_argument('--bootstrap-username', default='admin')
    boot.add_argument('--bootstrap-project-name', default='admin')
    boot.add_argument('--bootstrap-role-name', default='admin')
    boot.add_argument('--bootstrap-service-name', default='keystone')
    boot.add_argument('--bootstrap-region-id')
    boot.add_argument('--bootstrap-public-url')
    boot.add_argument('--bootstrap-internal-url')
    boot.add_argument('--bootstrap-admin-url')
    boot.set_defaults(func=run_bootstrap, prepare_conf=_register)

    setup = subparsers.add_parser('fernet-setup', help='create the fernet key repository')
    setup.set_defaults(func=fernet_setup, prepare_conf=_register)
    rotate = subparsers.add_parser('fernet-rotate', help='rotate the fernet keys')
    rotate.set_defaults(func=fernet_rotate, prepare_conf=_register)

    for name, func, text in (
            ('credential_setup', credential_setup,
             'create the credential key repository (idempotent)'),
            ('credential_rotate', credential_rotate,
             'rotate the credential keys (refused while a credential needs the key '
             'that would go)'),
            ('credential_migrate', credential_migrate,
             're-encrypt every credential with the primary credential key')):
        cmd = subparsers.add_parser(name, aliases=[name.replace('_', '-')], help=text)
        cmd.set_defaults(func=func, prepare_conf=_register)
