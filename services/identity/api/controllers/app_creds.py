"""/v3/users/{user_id}/application_credentials."""

import pecan
from pecan import rest

from services.identity import exception
from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import app_cred as schemas
from services.identity.core import access_rule
from services.identity.core import app_cred as app_cred_mgr


class AppCredsController(rest.RestController):

    def __init__(self, user_id):
        self.user_id = user_id

    def _view(self, ref, secret=None):
        roles = base.managers().assignment.roles_by_id()
        shaped = dict(ref, _roles=[
            {'id': r['id'], 'name': roles[r['id']]['name'],
             'domain_id': roles[r['id']].get('domain_id')}
            for r in ref['roles'] if r['id'] in roles])
        body = views.app_cred(base.base_url(), shaped, secret)
        body['access_rules'] = [access_rule.view(r) for r in
                                base.managers().access_rule.for_app_cred(ref['id'])]
        return body

    def _get(self, app_cred_id):
        ref = base.managers().app_cred.get(app_cred_id)
        if ref['user_id'] != self.user_id:
            raise exception.ApplicationCredentialNotFound(app_cred_id=app_cred_id)
        return ref

    @pecan.expose('json')
    def get_all(self, **params):
        base.authorize('list_application_credentials', user_id=self.user_id)
        m = base.managers()
        m.identity.get_user(self.user_id)
        refs = m.app_cred.list_for_user(self.user_id, base.hints_from(params, ('name',)))
        return views.collection(base.base_url(), 'users/%s/application_credentials'
                                % self.user_id, 'application_credentials',
                                [self._view(r) for r in refs])

    @pecan.expose('json')
    def get_one(self, app_cred_id):
        base.authorize('get_application_credential', user_id=self.user_id)
        return {'application_credential': self._view(self._get(app_cred_id))}

    @pecan.expose('json')
    def put(self, app_cred_id=None, *remainder):
        raise base.MethodNotAllowed(('GET', 'POST') if app_cred_id is None
                                    else ('GET', 'DELETE'))

    @pecan.expose('json')
    def patch(self, app_cred_id=None, *remainder):
        self.put(app_cred_id)

    @pecan.expose('json')
    def post(self):
        values = base.body(schemas.app_cred_create)['application_credential']
        base.authorize('create_application_credential', user_id=self.user_id)
        token = base.token()
        if token.project is None:
            raise exception.Forbidden('An application credential is created with a '
                                      'project-scoped token.')
        if token.payload.app_cred_id and not token.app_cred['unrestricted']:
            raise exception.Forbidden('A restricted application credential cannot '
                                      'create another one.')
        values['expires_at'] = app_cred_mgr.parse_expiry(values.get('expires_at'))
        m = base.managers()
        if values.get('access_rules') and token.payload.app_cred_id:
            raise exception.Forbidden('An application credential cannot create one with '
                                      'access rules.')
        rules = m.access_rule.resolve(self.user_id, values.pop('access_rules', None))
        ref, secret = m.app_cred.create(self.user_id, token.project, token.role_ids, values)
        m.access_rule.link(ref['id'], rules)
        base.status(201)
        return {'application_credential': self._view(ref, secret)}

    @pecan.expose('json')
    def delete(self, app_cred_id=None):
        if app_cred_id is None:
            raise base.MethodNotAllowed(('GET', 'POST'))
        base.authorize('delete_application_credential', user_id=self.user_id)
        self._get(app_cred_id)
        base.managers().app_cred.delete(app_cred_id)
        base.managers().access_rule.unlink(app_cred_id)
        return base.no_content()


class AccessRulesController(rest.RestController):
    """/v3/users/{user_id}/access_rules[/{id}]: list, show, delete."""

    def __init__(self, user_id):
        self.user_id = user_id

    @pecan.expose('json')
    def get_all(self, **params):
        base.authorize('list_access_rules', user_id=self.user_id)
        m = base.managers()
        m.identity.get_user(self.user_id)
        refs = m.access_rule.list(self.user_id,
                                  base.hints_from(params, ('service', 'path', 'method')))
        url = base.base_url()
        return views.collection(url, 'users/%s/access_rules' % self.user_id, 'access_rules',
                                [_rule_view(url, self.user_id, r) for r in refs])

    @pecan.expose('json')
    def get_one(self, rule_id):
        base.authorize('get_access_rule', user_id=self.user_id)
        ref = base.managers().access_rule.get(self.user_id, rule_id)
        return {'access_rule': _rule_view(base.base_url(), self.user_id, ref)}

    @pecan.expose('json')
    def delete(self, rule_id=None):
        if rule_id is None:
            raise base.MethodNotAllowed(('GET',))
        base.authorize('delete_access_rule', user_id=self.user_id)
        base.managers().access_rule.delete(self.user_id, rule_id)
        return base.no_content()

    @pecan.expose('json')
    def post(self, *remainder):
        raise base.MethodNotAllowed(('GET',))

    @pecan.expose('json')
    def put(self, rule_id=None, *remainder):
        raise base.MethodNotAllowed(('GET',) if rule_id is None else ('GET', 'DELETE'))

    @pecan.expose('json')
    def patch(self, rule_id=None, *remainder):
        self.put(rule_id)


def _rule_view(url, user_id, ref):
    return dict(access_rule.view(ref), links={
        'self': '%s/users/%s/access_rules/%s' % (url, user_id, ref['id'])})
