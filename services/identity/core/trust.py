"""OS-TRUST: a trustor delegates some of its roles on a project to a trustee.

The trustee then gets trust-scoped tokens: on the trust's project, with
the delegated roles (and what they imply) that the trustor still holds,
as the trustor when the trust impersonates, as itself otherwise.  A trust
may expire and may be limited to a number of tokens (``remaining_uses``).

Every token made from a trust carries an audit chain id derived from the
trust's id, so deleting the trust records one revocation event
(``audit_chain_id``) that the other APIs match against the tokens they
cached; identity itself also refuses a token whose trust is gone.
"""

import base64
import binascii

from services.identity import exception
from services.identity.core import ReadCache
from services.identity.core import new_id
from services.identity.core.app_cred import parse_expiry
from services.identity.core.revoke import utcnow


def chain_id(trust_id):
    """The audit chain id every token of the trust carries."""
    try:
        raw = binascii.unhexlify(trust_id)
    except (binascii.Error, ValueError):
        raw = trust_id.encode('utf-8')[:16]
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode('ascii')


class TrustManager:

    def __init__(self, conf, driver, state, revoke, identity, resource, assignment):
        self.conf = conf
        self.driver = driver
        self.state = state
        self.revoke = revoke
        self.identity = identity
        self.resource = resource
        self.assignment = assignment
        self.cache = ReadCache(state, conf.token.validation_cache_time)

    def create(self, values, redelegating_from=None):
        """``values``: the API's ``trust`` object (already schema-checked)."""
        if redelegating_from is not None:
            raise exception.Forbidden('A trust-scoped token cannot create another trust.')
        trustor = self.identity.get_user(values['trustor_user_id'])
        trustee = self.identity.get_user(values['trustee_user_id'])
        project_id = values.get('project_id')
        roles_by_id = self.assignment.roles_by_id()
        role_ids = [self._find_role(spec, roles_by_id)['id']
                    for spec in values.get('roles') or ()]
        if project_id:
            project = self.resource.get_project(project_id)
            held = set(self.assignment.get_effective_role_ids(trustor['id'], project=project))
            missing = [roles_by_id[r]['name'] for r in role_ids if r not in held]
            if missing:
                raise exception.Forbidden('The trustor does not hold the role(s) %s on '
                                          'project %s.' % (', '.join(missing), project_id))
        elif role_ids:
            raise exception.ValidationError(reason='roles need a project_id')
        expires_at = parse_expiry(values.get('expires_at'))
        if expires_at is not None and expires_at <= utcnow():
            raise exception.ValidationError(reason='expires_at is in the past')
        known = ('trustor_user_id', 'trustee_user_id', 'project_id', 'impersonation',
                 'expires_at', 'remaining_uses', 'allow_redelegation', 'redelegation_count',
                 'roles', 'id', 'links', 'roles_links')
        ref = {'id': new_id(), 'trustor_user_id': trustor['id'],
               'trustee_user_id': trustee['id'], 'project_id': project_id,
               'impersonation': values['impersonation'], 'expires_at': expires_at,
               'remaining_uses': values.get('remaining_uses'),
               'allow_redelegation': bool(values.get('allow_redelegation')),
               'redelegation_count': values.get('redelegation_count'),
               'roles': [{'id': r} for r in dict.fromkeys(role_ids)],
               'extra': {k: v for k, v in values.items() if k not in known},
               'created_at': utcnow()}
        ref = self.driver.create_trust(ref)
        self.state.bump()
        return ref

    @staticmethod
    def _find_role(spec, roles_by_id):
        if spec.get('id'):
            role = roles_by_id.get(spec['id'])
        else:
            role = next((r for r in roles_by_id.values()
                         if r['name'] == spec.get('name') and not r.get('domain_id')), None)
        if role is None:
            raise exception.RoleNotFound(role_id=spec.get('id') or spec.get('name'))
        return role

    @staticmethod
    def is_expired(ref, now=None):
        return ref['expires_at'] is not None and ref['expires_at'] <= (now or utcnow())

    def get(self, trust_id):
        """The trust; TrustNotFound when it does not exist or has expired."""
        ref = self.driver.get_trust(trust_id)
        if self.is_expired(ref):
            raise exception.TrustNotFound(trust_id=trust_id)
        return ref

    def get_cached(self, trust_id):
        """For token validation (expiry is the caller's to check)."""
        return self.cache.get(('trust', trust_id), lambda: self.driver.get_trust(trust_id))

    def list(self, hints=None):
        now = utcnow()
        return [t for t in self.driver.list_trusts(hints or {})
                if not self.is_expired(t, now)]

    def delete(self, trust_id):
        self.driver.get_trust(trust_id)
        self.driver.delete_trust(trust_id)
        self.revoke.revoke(audit_chain_id=chain_id(trust_id))
        self.state.bump()

    def revoke_tokens_for_user(self, user_id, project_id=None):
        """Tell the other APIs to drop the trust tokens a change to ``user_id``
        invalidates: a disabled user (as trustor or trustee), or a trustor's
        lost role on ``project_id``.  Their token user may be the other party,
        so the user's own revocation event would not match them."""
        trusts = self.driver.list_trusts({'trustor_user_id': user_id})
        if project_id is None:
            trusts += self.driver.list_trusts({'trustee_user_id': user_id})
        else:
            trusts = [t for t in trusts if t['project_id'] == project_id]
        for trust_id in dict.fromkeys(t['id'] for t in trusts):
            self.revoke.revoke(audit_chain_id=chain_id(trust_id))

    def delete_for_user(self, user_id):
        """A deleted user's trusts, as trustor and as trustee."""
        for key in ('trustor_user_id', 'trustee_user_id'):
            for trust in self.driver.list_trusts({key: user_id}):
                self._delete_quietly(trust['id'])

    def delete_for_project(self, project_id):
        for trust in self.driver.list_trusts({'project_id': project_id}):
            self._delete_quietly(trust['id'])

    def _delete_quietly(self, trust_id):
        try:
            self.delete(trust_id)
        except exception.TrustNotFound:
            pass

    def use_for_token(self, trust_id, user_id):
        """The trust a token for ``user_id`` may be scoped to; takes one use."""
        try:
            trust = self.get(trust_id)
        except exception.TrustNotFound:
            raise exception.Unauthorized('Could not find the requested trust.')
        if trust['trustee_user_id'] != user_id:
            raise exception.Forbidden('Only the trustee may use trust %s.' % trust_id)
        if not trust['project_id']:
            raise exception.Forbidden('Trust %s names no project.' % trust_id)
        if not self.driver.consume_use(trust_id):
            raise exception.TrustUseLimitReached(trust_id=trust_id)
        if trust['remaining_uses'] is not None:
            self.state.bump()
        return trust
