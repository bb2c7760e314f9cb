"""/v3/users and the per-user sub-resources."""

import pecan

from services.identity import exception
from services.identity.api import views
from services.identity.api.controllers import app_creds
from services.identity.api.controllers import base
from services.identity.api.controllers import ec2
from services.identity.api.schemas import identity as schemas


class UsersController(base.Collection):
    member = 'user'
    collection = 'users'
    filters = ('name', 'domain_id', 'enabled')
    create_schema = schemas.user_create
    update_schema = schemas.user_update
    domain_owned = True

    def do_list(self, hints, params):
        return base.managers().identity.list_users(hints)

    def do_get(self, entity_id):
        return base.managers().identity.get_user(entity_id)

    def do_create(self, values):
        return base.managers().identity.create_user(values)

    def do_update(self, entity_id, values):
        return base.managers().identity.update_user(entity_id, values)

    def do_delete(self, entity_id):
        base.managers().identity.delete_user(entity_id)

    def view(self, ref):
        return views.user(base.base_url(), ref)

    def target(self, ref):
        return {'user_id': ref.get('id'), 'user_domain_id': ref.get('domain_id')}

    @pecan.expose()
    def _lookup(self, user_id, *remainder):
        if remainder and remainder[0] == 'application_credentials':
            return app_creds.AppCredsController(user_id), remainder[1:]
        if remainder and remainder[0] == 'access_rules':
            return app_creds.AccessRulesController(user_id), remainder[1:]
        if remainder[:2] == ('credentials', 'OS-EC2'):
            return ec2.Ec2CredentialsController(user_id), remainder[2:]
        return UserSubresources(user_id), remainder


class UserSubresources:

    def __init__(self, user_id):
        self.user_id = user_id

    def _target(self):
        """The user the call is about; a caller who may not see it gets 403,
        whether or not it exists."""
        try:
            user = base.managers().identity.get_user(self.user_id)
        except exception.UserNotFound:
            return {'user_id': self.user_id}
        return {'user_id': user['id'], 'user_domain_id': user.get('domain_id')}

    @pecan.expose('json')
    def password(self):
        if base.request().method != 'POST':
            pecan.abort(405)
        values = base.body(schemas.password_change)['user']
        if base.token() is not None:
            # without a token the original password alone is the proof
            base.authorize('change_password', user_id=self.user_id)
        base.managers().identity.change_password(
            self.user_id, values['original_password'], values['password'])
        return base.no_content()

    @pecan.expose('json')
    def groups(self, **params):
        if base.request().method != 'GET':
            pecan.abort(405)
        base.authorize('list_groups_for_user', **self._target())
        m = base.managers()
        m.identity.get_user(self.user_id)
        refs = m.identity.list_groups_for_user(self.user_id,
                                               base.hints_from(params, ('name', 'domain_id')))
        url = base.base_url()
        return views.collection(url, 'users/%s/groups' % self.user_id, 'groups',
                                [views.group(url, g) for g in refs])

    @pecan.expose('json')
    def projects(self, **params):
        if base.request().method != 'GET':
            pecan.abort(405)
        base.authorize('list_user_projects', **self._target())
        m = base.managers()
        m.identity.get_user(self.user_id)
        hints = base.hints_from(params, ('name', 'domain_id', 'enabled'))
        refs = [p for p in m.assignment.list_projects_for_user(self.user_id)
                if all(p.get(k) == v for k, v in hints.items())]
        url = base.base_url()
        return views.collection(url, 'users/%s/projects' % self.user_id, 'projects',
                                [views.project(url, p) for p in refs])
