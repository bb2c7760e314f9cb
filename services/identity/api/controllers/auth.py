"""/v3/auth: tokens, and what the current token may reach."""

import pecan

from services.identity import exception
from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import auth as schemas
from services.identity.auth import core as auth_core


def _include_catalog(params):
    return 'nocatalog' not in params


class TokensController:
    """POST issues, GET validates, HEAD checks, DELETE revokes."""

    @pecan.expose('json')
    def index(self, **params):
        method = base.request().method
        if method == 'POST':
            return self._issue(params)
        if method in ('GET', 'DELETE'):
            return self._subject(method, params)
        base.allow('POST', 'GET', 'DELETE')

    def _issue(self, params):
        auth = base.body(schemas.token_request)['auth']
        m = base.managers()
        token = auth_core.authenticate(m, base.request().provider, auth)
        pecan.response.headers['X-Subject-Token'] = token.token_id
        base.status(201)
        return token.render(include_catalog=_include_catalog(params))

    def _subject(self, method, params):
        subject_id = base.request().headers.get('X-Subject-Token')
        if not subject_id:
            raise exception.ValidationError(reason='X-Subject-Token header is required')
        provider = base.request().provider
        caller = base.token()
        action = 'revoke_token' if method == 'DELETE' else (
            'check_token' if base.request().environ.get('alto.head') else 'validate_token')
        if subject_id == caller.token_id:
            subject = caller
        else:
            try:
                subject = provider.validate(subject_id)
            except exception.TokenNotFound:
                # the policy judges the caller against the user the token was
                # issued to, valid or not: its owner (or an administrator or a
                # service) hears that it is gone, anyone else gets the same 403
                # a valid token of another user gives
                base.authorize(action, token_user_id=provider.owner(subject_id))
                raise
        base.authorize(action, token_user_id=subject.user['id'])
        if method == 'DELETE':
            provider.revoke(subject)
            return base.no_content()
        if (subject.body.get('application_credential') or {}).get('access_rules') and \
                not base.request().headers.get('OpenStack-Identity-Access-Rules'):
            # a validator that cannot enforce access rules must not accept the token
            raise exception.TokenNotFound(
                token_id='(access rules need keystonemiddleware that enforces them)')
        pecan.response.headers['X-Subject-Token'] = subject.token_id
        return subject.render(include_catalog=_include_catalog(params))


class CatalogController:

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('get_auth_catalog')
        token = base.token()
        if not token.payload.scope_type:
            raise exception.Forbidden('The catalog needs a scoped token.')
        return {'catalog': token.catalog or [],
                'links': {'self': base.base_url() + '/auth/catalog'}}


class AuthProjectsController:

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('get_auth_projects')
        m = base.managers()
        url = base.base_url()
        projects = [p for p in m.assignment.list_projects_for_user(base.context().user_id)
                    if p['enabled']]
        return views.collection(url, 'auth/projects', 'projects',
                                [views.project(url, p) for p in projects])


class AuthDomainsController:

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('get_auth_domains')
        m = base.managers()
        url = base.base_url()
        domains = [d for d in m.assignment.list_domains_for_user(base.context().user_id)
                   if d['enabled']]
        return views.collection(url, 'auth/domains', 'domains',
                                [views.domain(url, d) for d in domains])


class AuthSystemController:

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('get_auth_system')
        m = base.managers()
        system = [{'all': True}] if m.assignment.has_system_roles(
            base.context().user_id) else []
        return {'system': system, 'links': {'self': base.base_url() + '/auth/system'}}


class AuthController:
    tokens = TokensController()
    catalog = CatalogController()
    projects = AuthProjectsController()
    domains = AuthDomainsController()
    system = AuthSystemController()
