"""``POST /v3/auth/tokens``: run the requested methods, resolve the scope,
issue the token."""

from services.identity import exception
from services.identity.auth import methods as auth_methods
from services.identity.token import formatter


def authenticate(managers, provider, auth):
    """Check ``auth`` (the request's ``auth`` object); returns a ValidatedToken."""
    identity = auth['identity']
    requested = list(dict.fromkeys(identity['methods']))
    if not requested:
        raise exception.ValidationError(reason='no authentication method given')
    result = None
    for name in requested:
        method = auth_methods.METHODS.get(name)
        if method is None:
            raise exception.AuthMethodNotSupported()
        data = identity.get(name)
        if not isinstance(data, dict):
            raise exception.ValidationError(reason="'%s' is required by the methods" % name)
        outcome = method(managers, provider, data)
        if result is not None and outcome.user_id != result.user_id:
            raise exception.Unauthorized('The methods identify different users.')
        if result is None or outcome.parent is not None or outcome.app_cred is not None:
            result = outcome if result is None else _merge(result, outcome)
    scope = auth.get('scope')
    if isinstance(scope, dict) and 'OS-TRUST:trust' in scope:
        return _trust_token(managers, provider, scope['OS-TRUST:trust'], result, requested)
    scope_type, scope_id = resolve_scope(managers, scope, result)
    if result.parent is not None and result.parent.scope_type and \
            (scope_type, scope_id) != (result.parent.scope_type, result.parent.scope_id) \
            and not managers.conf.token.allow_rescope_scoped_token:
        raise exception.Forbidden('Rescoping a scoped token is not allowed.')
    if result.parent is not None:
        # a token made from a token keeps the methods that proved the user
        requested = list(dict.fromkeys(list(result.parent.methods) + requested))
    return provider.issue(result.user_id, requested, scope_type, scope_id,
                          parent=result.parent, app_cred=result.app_cred)


def _trust_token(managers, provider, spec, result, requested):
    """A token scoped to a trust, for its trustee."""
    if result.app_cred is not None:
        raise exception.Forbidden('An application credential cannot use a trust.')
    if result.parent is not None and result.parent.scope_type:
        raise exception.Forbidden('Only an unscoped token may be exchanged for a '
                                  'trust-scoped one.')
    if not isinstance(spec, dict) or not isinstance(spec.get('id'), str):
        raise exception.ValidationError(reason="'OS-TRUST:trust' needs an id")
    trust = managers.trust.use_for_token(spec['id'], result.user_id)
    user_id = trust['trustor_user_id'] if trust['impersonation'] else result.user_id
    if result.parent is not None:
        requested = list(dict.fromkeys(list(result.parent.methods) + requested))
    try:
        return provider.issue(user_id, requested, formatter.SCOPE_PROJECT,
                              trust['project_id'], trust=trust)
    except exception.Unauthorized:
        raise exception.Forbidden('The trustor no longer holds the delegated roles on '
                                  'project %s, or a user of the trust is disabled.'
                                  % trust['project_id'])


def _merge(first, second):
    return auth_methods.AuthResult(user_id=first.user_id,
                                   parent=second.parent or first.parent,
                                   app_cred=second.app_cred or first.app_cred)


def resolve_scope(managers, scope, result):
    """``(scope_type, scope_id)`` for the request's ``scope`` object."""
    if result.app_cred is not None:
        project_id = result.app_cred['project_id']
        if scope and scope.get('project') and _project_id(managers, scope['project']) \
                != project_id:
            raise exception.Unauthorized(
                'An application credential is bound to its own project.')
        if scope and (scope.get('domain') or scope.get('system')):
            raise exception.Unauthorized(
                'An application credential is bound to its own project.')
        return formatter.SCOPE_PROJECT, project_id
    if scope is None:
        if result.parent is not None:
            # token-for-token with no scope keeps the old scope, like keystone
            return result.parent.scope_type, result.parent.scope_id
        return _default_project_scope(managers, result.user_id)
    if scope == 'unscoped' or 'unscoped' in scope:
        return None, None
    if 'project' in scope:
        return formatter.SCOPE_PROJECT, _project_id(managers, scope['project'])
    if 'domain' in scope:
        spec = scope['domain']
        try:
            domain = (managers.resource.get_domain(spec['id']) if 'id' in spec
                      else managers.resource.get_domain_by_name(spec['name']))
        except exception.NotFound:
            raise exception.Unauthorized('Could not find the requested domain.')
        return formatter.SCOPE_DOMAIN, domain['id']
    if 'system' in scope:
        if scope['system'].get('all') is not True:
            raise exception.ValidationError(reason="system scope must be {'all': true}")
        return formatter.SCOPE_SYSTEM, formatter.SYSTEM_ALL
    raise exception.ValidationError(reason='unknown scope')


def _project_id(managers, spec):
    try:
        if 'id' in spec:
            return managers.resource.get_project(spec['id'])['id']
        domain_spec = spec['domain']
        domain = (managers.resource.get_domain(domain_spec['id']) if 'id' in domain_spec
                  else managers.resource.get_domain_by_name(domain_spec['name']))
        return managers.resource.get_project_by_name(spec['name'], domain['id'])['id']
    except exception.NotFound:
        raise exception.Unauthorized('Could not find the requested project.')


def _default_project_scope(managers, user_id):
    user = managers.identity.get_user(user_id)
    project_id = user.get('default_project_id')
    if project_id:
        try:
            project = managers.resource.get_project(project_id)
        except exception.NotFound:
            return None, None
        if project['enabled'] and managers.assignment.get_effective_role_ids(
                user_id, project=project):
            return formatter.SCOPE_PROJECT, project_id
    return None, None


def issue_for_ec2(managers, provider, ref, blob):
    """A token for an EC2/S3 credential whose signature was checked: scoped
    to the credential's project, or to its trust or application credential."""
    user_id, methods = ref['user_id'], ['ec2credential']
    user = managers.identity.get_user(user_id)
    if not auth_methods._user_usable(managers, user):
        raise exception.Unauthorized('The user or its domain is disabled.')
    if blob.get('trust_id'):
        try:
            trust = managers.trust.get(blob['trust_id'])
        except exception.NotFound:
            raise exception.Unauthorized('The trust of this credential is gone.')
        if trust['trustee_user_id'] != user_id:
            raise exception.Unauthorized('The trust of this credential is not its user\'s.')
        token_user = trust['trustor_user_id'] if trust['impersonation'] else user_id
        return provider.issue(token_user, methods, formatter.SCOPE_PROJECT,
                              trust['project_id'], trust=trust)
    app_cred = None
    if blob.get('app_cred_id'):
        try:
            app_cred = managers.app_cred.get(blob['app_cred_id'])
        except exception.NotFound:
            raise exception.Unauthorized('The application credential of this credential '
                                         'is gone.')
        if managers.app_cred.is_expired(app_cred):
            raise exception.Unauthorized('The application credential has expired.')
    return provider.issue(user_id, methods, formatter.SCOPE_PROJECT, ref['project_id'],
                          app_cred=app_cred)
