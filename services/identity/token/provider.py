"""Issue and validate tokens.

Validation decrypts the fernet token, then checks, in this order: expiry,
revocation events, and that the user, the scope (project / domain and
their domains) and, for application-credential tokens, the credential are
still there and enabled, and that the user still holds a role on the
scope.  The validated body is cached per token until anything changes in
this process (the shared StateVersion moves) or ``validation_cache_time``
passes; expiry and revocation are checked on every call, cached or not.
"""

import datetime
import itertools
import time

from services.identity import exception
from services.identity.core import trust as trust_core
from services.identity.core.revoke import TokenValues
from services.identity.token import formatter
from services.identity.token import keys

_CACHE_MAX = 20000
#: stale entries dropped at most per token cached (bounds the pause)
_PRUNE_MAX = 64


def isotime(ts):
    return formatter.from_timestamp(ts).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


class ValidatedToken:
    """A valid token: its payload, the body keystone returns, and what the
    API needs to build a request context."""

    __slots__ = ('token_id', 'payload', 'user', 'user_domain', 'project', 'project_domain',
                 'domain', 'roles', 'app_cred', 'trust', 'catalog', 'body', 'revoke_values',
                 'version', 'cached_until')

    @property
    def role_ids(self):
        return [r['id'] for r in self.roles]

    @property
    def role_names(self):
        return [r['name'] for r in self.roles]

    def render(self, include_catalog=True):
        body = dict(self.body)
        if include_catalog and self.catalog is not None:
            body['catalog'] = self.catalog
        return {'token': body}


def _domain_ref(domain):
    return {'id': domain['id'], 'name': domain['name']}


class TokenProvider:

    def __init__(self, conf, managers):
        self.conf = conf
        self.managers = managers
        self.keyring = keys.KeyRing(conf.fernet_tokens.key_repository)
        self._cache = {}

    # -- issue -----------------------------------------------------------------
    def issue(self, user_id, methods, scope_type=None, scope_id=None, parent=None,
              app_cred=None, trust=None):
        """Create a token; ``parent`` is the payload of the token being rescoped.

        Raises Unauthorized when the user may not have this scope.
        """
        now = time.time()
        expires_at = now + self.conf.token.expiration
        audit_ids = (formatter.new_audit_id(),)
        if parent is not None:
            expires_at = min(expires_at, parent.expires_at)
            audit_ids = (audit_ids[0], parent.audit_chain_id)
        if app_cred is not None and app_cred.get('expires_at') is not None:
            expires_at = min(expires_at, formatter.to_timestamp(app_cred['expires_at']))
        if trust is not None:
            # the trust's chain: deleting the trust revokes every token made from it
            audit_ids = (audit_ids[0], trust_core.chain_id(trust['id']))
            if trust.get('expires_at') is not None:
                expires_at = min(expires_at, formatter.to_timestamp(trust['expires_at']))
        payload = formatter.TokenPayload(
            user_id=user_id, methods=tuple(methods), issued_at=now, expires_at=expires_at,
            audit_ids=audit_ids, scope_type=scope_type, scope_id=scope_id,
            app_cred_id=app_cred['id'] if app_cred else None,
            trust_id=trust['id'] if trust else None)
        token_id = formatter.encrypt(self.keyring.get(), payload)
        try:
            token = self._build(token_id, payload)
        except exception.TokenNotFound:
            raise exception.Unauthorized(self._scope_error(scope_type, scope_id))
        self._remember(token)
        return token

    @staticmethod
    def _scope_error(scope_type, scope_id):
        if scope_type == formatter.SCOPE_PROJECT:
            return 'User has no access to project %s.' % scope_id
        if scope_type == formatter.SCOPE_DOMAIN:
            return 'User has no access to domain %s.' % scope_id
        if scope_type == formatter.SCOPE_SYSTEM:
            return 'User has no access to the system.'
        return 'The user or its domain is disabled.'

    # -- validate ------------------------------------------------------------
    def validate(self, token_id):
        """The ValidatedToken for ``token_id``; TokenNotFound when it is not valid."""
        if not token_id:
            raise exception.TokenNotFound(token_id='')
        now = time.time()
        token = self._cache.get(token_id)
        if token is not None and (token.version != self.managers.state.value
                                  or token.cached_until < time.monotonic()):
            token = None
        if token is None:
            try:
                payload = formatter.decrypt(self.keyring.get(), token_id)
            except formatter.InvalidToken:
                raise exception.TokenNotFound(token_id=_shorten(token_id))
            if payload.expires_at <= now:
                raise exception.TokenNotFound(token_id=_shorten(token_id))
            token = self._build(token_id, payload)
            self._remember(token)
        elif token.payload.expires_at <= now:
            raise exception.TokenNotFound(token_id=_shorten(token_id))
        if self.managers.revoke.is_revoked(token.revoke_values):
            self._cache.pop(token_id, None)
            raise exception.TokenNotFound(token_id=_shorten(token_id))
        return token

    def owner(self, token_id):
        """The id of the user ``token_id`` was issued to, whether or not the
        token is still valid (expired, revoked, its user or scope gone); None
        when it is not a token of ours.  This never accepts the token: it only
        lets the policy judge who may hear that the token is gone."""
        if not token_id:
            return None
        try:
            return formatter.decrypt(self.keyring.get(), token_id).user_id
        except formatter.InvalidToken:
            return None

    def revoke(self, token):
        self._cache.pop(token.token_id, None)
        self.managers.revoke.revoke_token(token.payload.audit_id)

    def _remember(self, token):
        """Cache ``token``, dropping the entries whose cache time has passed
        (validating them again rebuilds them anyway): without that every
        token validated once stayed until :data:`_CACHE_MAX` of them, ~5 KiB
        each.  The cache is in the order the entries were made, so those
        past their time are at its front."""
        cache = self._cache
        cache.pop(token.token_id, None)
        now = time.monotonic()
        for token_id, cached in list(itertools.islice(cache.items(), _PRUNE_MAX)):
            if cached.cached_until >= now:
                break
            cache.pop(token_id, None)
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        cache[token.token_id] = token

    def _build(self, token_id, payload):
        """Look everything up and check the token's subjects are still valid."""
        m = self.managers
        invalid = exception.TokenNotFound(token_id=_shorten(token_id))
        version = m.state.value
        try:
            user = m.identity.get_user_cached(payload.user_id)
            user_domain = m.resource.get_domain(user['domain_id'])
            if not user['enabled'] or not user_domain['enabled']:
                raise invalid
            project = project_domain = domain = app_cred = trust = None
            role_holder = user['id']
            if payload.trust_id:
                trust = self._check_trust(payload, user)
                role_holder = trust['trustor_user_id']
            if payload.project_id:
                project = m.resource.get_project(payload.project_id)
                project_domain = (user_domain if project['domain_id'] == user_domain['id']
                                  else m.resource.get_domain(project['domain_id']))
                if not project['enabled'] or not project_domain['enabled']:
                    raise invalid
                roles = m.assignment.get_effective_roles(role_holder, project=project)
            elif payload.domain_id:
                domain = m.resource.get_domain(payload.domain_id)
                if not domain['enabled']:
                    raise invalid
                roles = m.assignment.get_effective_roles(user['id'], domain_id=domain['id'])
            elif payload.system:
                roles = m.assignment.get_effective_roles(user['id'], system=True)
            else:
                roles = []
            if payload.app_cred_id:
                app_cred = m.app_cred.get_cached(payload.app_cred_id)
                if app_cred['user_id'] != user['id'] or m.app_cred.is_expired(app_cred):
                    raise invalid
                held = {r['id'] for r in roles}
                delegated = [r['id'] for r in app_cred['roles']]
                if not all(r in held for r in delegated):
                    raise invalid  # the user lost a role they delegated
                allowed = set(m.assignment.expand_implied(delegated))
                roles = [r for r in roles if r['id'] in allowed]
            if trust is not None:
                held = {r['id'] for r in roles}
                delegated = [r['id'] for r in trust['roles']]
                if not all(r in held for r in delegated):
                    raise invalid  # the trustor lost a role it delegated
                allowed = set(m.assignment.expand_implied(delegated))
                roles = [r for r in roles if r['id'] in allowed]
        except exception.NotFound:
            raise invalid
        if payload.scope_type and not roles:
            raise invalid

        token = ValidatedToken()
        token.token_id = token_id
        token.payload = payload
        token.user, token.user_domain = user, user_domain
        token.project, token.project_domain, token.domain = project, project_domain, domain
        token.roles = [{'id': r['id'], 'name': r['name']} for r in roles]
        token.app_cred = app_cred
        token.trust = trust
        body = {
            'methods': list(payload.methods),
            'user': {'id': user['id'], 'name': user['name'],
                     'domain': _domain_ref(user_domain),
                     'password_expires_at': _iso_or_none(user.get('password_expires_at'))},
            'audit_ids': list(payload.audit_ids),
            'expires_at': isotime(payload.expires_at),
            'issued_at': isotime(payload.issued_at),
        }
        token.catalog = None
        if payload.scope_type:
            body['roles'] = token.roles
            token.catalog = m.catalog.get_catalog(user['id'], payload.project_id)
        if project is not None:
            body['project'] = {'id': project['id'], 'name': project['name'],
                               'domain': _domain_ref(project_domain)}
            body['is_domain'] = False
        elif domain is not None:
            body['domain'] = _domain_ref(domain)
        elif payload.system:
            body['system'] = {'all': True}
        if app_cred is not None:
            body['application_credential'] = {
                'id': app_cred['id'], 'name': app_cred['name'],
                'restricted': not app_cred['unrestricted']}
            rules = m.access_rule.for_app_cred(app_cred['id'])
            if rules:
                # keystonemiddleware lets the token reach matching requests only
                body['application_credential']['access_rules'] = [
                    {'id': r['id'], 'service': r['service'], 'path': r['path'],
                     'method': r['method']} for r in rules]
        if trust is not None:
            body['OS-TRUST:trust'] = {
                'id': trust['id'], 'impersonation': trust['impersonation'],
                'trustee_user': {'id': trust['trustee_user_id']},
                'trustor_user': {'id': trust['trustor_user_id']}}
        token.body = body
        domain_ids = {user['domain_id']}
        if project is not None:
            domain_ids.add(project['domain_id'])
        if domain is not None:
            domain_ids.add(domain['id'])
        token.revoke_values = TokenValues(
            audit_id=payload.audit_id, audit_chain_id=payload.audit_chain_id,
            user_id=user['id'], project_id=payload.project_id, domain_ids=domain_ids,
            role_ids=token.role_ids, issued_at=payload.issued_datetime(),
            app_cred_id=payload.app_cred_id)
        token.version = version
        token.cached_until = time.monotonic() + self.conf.token.validation_cache_time
        return token


    def _check_trust(self, payload, user):
        """The unexpired trust of a trust-scoped token whose trustor and
        trustee are both still enabled; NotFound otherwise."""
        m = self.managers
        trust = m.trust.get_cached(payload.trust_id)
        if m.trust.is_expired(trust) or payload.project_id != trust['project_id']:
            raise exception.TrustNotFound(trust_id=payload.trust_id)
        expected = trust['trustor_user_id'] if trust['impersonation'] \
            else trust['trustee_user_id']
        if user['id'] != expected:
            raise exception.TrustNotFound(trust_id=payload.trust_id)
        other_id = trust['trustee_user_id'] if trust['impersonation'] \
            else trust['trustor_user_id']
        other = m.identity.get_user_cached(other_id)
        if not other['enabled'] or not m.resource.get_domain(other['domain_id'])['enabled']:
            raise exception.TrustNotFound(trust_id=payload.trust_id)
        return trust


def _iso_or_none(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
    return value


def _shorten(token_id):
    return token_id if len(token_id) <= 16 else token_id[:16] + '...'
