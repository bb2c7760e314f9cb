"""Who may do what to an account, container or object.

* a token whose project owns the account (``AUTH_<project_id>``) and that
  holds an operator role (``[proxy] operator_roles``: admin, member) may do
  anything there; one with a reader role only may read;
* a reseller admin role (``[proxy] reseller_admin_roles``: admin) reaches
  every account;
* anyone else, anonymous requests included, only what a container's access
  lists grant: ``X-Container-Read`` lets matching users read objects and
  list the container, ``.r:<referrer>`` lets anyone (``.r:*``) read objects,
  and ``.rlistings`` adds listings for them; ``X-Container-Write`` lets
  matching users create, change and delete objects.  Users are named
  ``<project>:<user>`` by id or name, ``*`` matching any.

A refusal is 401 for an anonymous request, 403 for an authenticated one.
"""

import urllib.parse

from services.objectstore import exception

READ_METHODS = ('GET', 'HEAD')
OBJECT_WRITE_METHODS = ('PUT', 'POST', 'DELETE', 'COPY')


class Identity:
    """Who makes the request (from keystonemiddleware's headers)."""

    def __init__(self, user_id=None, user_name=None, project_id=None, project_name=None,
                 roles=()):
        self.user_id = user_id
        self.user_name = user_name
        self.project_id = project_id
        self.project_name = project_name
        self.roles = {r.strip().lower() for r in roles if r.strip()}

    @property
    def authenticated(self):
        return bool(self.user_id)

    @classmethod
    def from_environ(cls, environ):
        if environ.get('HTTP_X_IDENTITY_STATUS') != 'Confirmed':
            return cls()
        return cls(user_id=environ.get('HTTP_X_USER_ID'),
                   user_name=environ.get('HTTP_X_USER_NAME'),
                   project_id=environ.get('HTTP_X_PROJECT_ID'),
                   project_name=environ.get('HTTP_X_PROJECT_NAME'),
                   roles=environ.get('HTTP_X_ROLES', '').split(','))


class Policy:
    def __init__(self, reseller_prefix='AUTH_', operator_roles=('admin', 'member'),
                 reseller_admin_roles=('admin',), reader_roles=('reader',)):
        self.reseller_prefix = reseller_prefix
        self.operator_roles = {r.lower() for r in operator_roles}
        self.reseller_admin_roles = {r.lower() for r in reseller_admin_roles}
        self.reader_roles = {r.lower() for r in reader_roles}

    @classmethod
    def from_conf(cls, conf):
        return cls(conf.proxy.reseller_prefix, conf.proxy.operator_roles,
                   conf.proxy.reseller_admin_roles)


class ParsedACL:
    def __init__(self, users=(), referrers=(), listings=False):
        self.users = list(users)          # (project, user) pairs
        self.referrers = list(referrers)  # ('+'|'-', pattern)
        self.listings = listings


def parse_acl(value):
    """Parse an ``X-Container-Read`` / ``-Write`` value."""
    acl = ParsedACL()
    for item in (value or '').split(','):
        item = item.strip()
        if not item:
            continue
        if item == '.rlistings':
            acl.listings = True
        elif item.startswith(('.r:', '.ref:', '.referer:', '.referrer:')):
            pattern = item.split(':', 1)[1].strip()
            sign = '+'
            if pattern.startswith('-'):
                sign, pattern = '-', pattern[1:]
            if pattern:
                acl.referrers.append((sign, pattern.lower()))
        elif item.startswith('.'):
            continue   # an element this version does not know grants nothing
        elif ':' in item:
            project, user = item.split(':', 1)
            acl.users.append((project.strip(), user.strip()))
    return acl


def check_acl_syntax(value):
    """Raise BadRequest for an access list with a bad element."""
    for item in (value or '').split(','):
        item = item.strip()
        if not item or item == '.rlistings':
            continue
        if item.startswith('.'):
            if not item.startswith(('.r:', '.ref:', '.referer:', '.referrer:')) \
                    or not item.split(':', 1)[1].strip('- '):
                raise exception.BadRequest(reason='Invalid ACL element: %s' % item)
        elif ':' not in item:
            raise exception.BadRequest(
                reason='Invalid ACL element %s: use <project>:<user>' % item)


def _referrer_host(referrer):
    if not referrer:
        return ''
    return (urllib.parse.urlsplit(referrer).hostname or '').lower()


def referrer_allowed(acl, referrer):
    """The last matching ``.r:`` element decides."""
    host = _referrer_host(referrer)
    allowed = False
    for sign, pattern in acl.referrers:
        if pattern == '*' or (host and (host == pattern or (
                pattern.startswith('.') and host.endswith(pattern)))):
            allowed = sign == '+'
    return allowed


def user_allowed(acl, identity):
    if not identity.authenticated:
        return False
    projects = {identity.project_id, identity.project_name} - {None}
    users = {identity.user_id, identity.user_name} - {None}
    for project, user in acl.users:
        if (project == '*' or project in projects) and (user == '*' or user in users):
            return True
    return False


class Access:
    """What an allowed request may see: ``owner`` sees the access lists."""

    def __init__(self, owner=False):
        self.owner = owner


def _deny(identity):
    if identity.authenticated:
        raise exception.Forbidden()
    raise exception.Unauthorized()


def account_role(identity, policy, account):
    """``reseller``, ``owner``, ``reader`` or None."""
    if not identity.authenticated:
        return None
    if identity.roles & policy.reseller_admin_roles:
        return 'reseller'
    if identity.project_id and account == policy.reseller_prefix + identity.project_id:
        if identity.roles & policy.operator_roles:
            return 'owner'
        if identity.roles & policy.reader_roles:
            return 'reader'
    return None


def authorize(identity, policy, method, account, container=None, obj=None, acls=None,
              referrer=None):
    """Return an :class:`Access` or raise 401/403.

    ``acls`` is the container's ``{'X-Container-Read': ..., 'X-Container-Write': ...}``
    (needed only when the caller is not the account's owner)."""
    role = account_role(identity, policy, account)
    if role in ('reseller', 'owner'):
        return Access(owner=True)
    if role == 'reader' and method in READ_METHODS:
        return Access(owner=False)
    if container is None or acls is None:
        _deny(identity)
    if method in READ_METHODS:
        read = parse_acl(acls.get('X-Container-Read'))
        if user_allowed(read, identity):
            return Access()
        if referrer_allowed(read, referrer) and (obj is not None or read.listings):
            return Access()
    elif obj is not None and method in OBJECT_WRITE_METHODS:
        write = parse_acl(acls.get('X-Container-Write'))
        if user_allowed(write, identity):
            return Access()
    _deny(identity)
