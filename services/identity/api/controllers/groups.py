"""/v3/groups and group membership."""

import pecan

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import identity as schemas


def _known(values):
    return {k: v for k, v in values.items() if k in schemas.GROUP_FIELDS}


class GroupsController(base.Collection):
    member = 'group'
    collection = 'groups'
    filters = ('name', 'domain_id')
    create_schema = schemas.group_create
    update_schema = schemas.group_update
    domain_owned = True

    def do_list(self, hints, params):
        return base.managers().identity.list_groups(hints)

    def do_get(self, entity_id):
        return base.managers().identity.get_group(entity_id)

    def do_create(self, values):
        return base.managers().identity.create_group(_known(values))

    def do_update(self, entity_id, values):
        return base.managers().identity.update_group(entity_id, _known(values))

    def do_delete(self, entity_id):
        base.managers().identity.delete_group(entity_id)

    def view(self, ref):
        return views.group(base.base_url(), ref)

    def target(self, ref):
        return {'group_id': ref.get('id'), 'group_domain_id': ref.get('domain_id')}

    @pecan.expose()
    def _lookup(self, group_id, *remainder):
        if remainder and remainder[0] == 'users':
            return GroupUsersController(group_id), remainder[1:]
        pecan.abort(404)


class GroupUsersController:
    """/v3/groups/{id}/users[/{user_id}]."""

    def __init__(self, group_id):
        self.group_id = group_id

    @pecan.expose('json')
    def _default(self, user_id=None, *extra, **params):
        if extra:
            pecan.abort(404)
        m = base.managers().identity
        method = base.request().method
        if user_id is None:
            base.allow('GET')
        else:
            base.allow('GET', 'PUT', 'DELETE')
        group = m.get_group(self.group_id)
        target = {'group_id': group['id'], 'group_domain_id': group.get('domain_id')}
        if user_id is None:
            base.authorize('list_users_in_group', **target)
            refs = m.list_users_in_group(self.group_id,
                                         base.hints_from(params, ('name', 'domain_id',
                                                                  'enabled')))
            url = base.base_url()
            return views.collection(url, 'groups/%s/users' % self.group_id, 'users',
                                    [views.user(url, u) for u in refs])
        if method == 'PUT':
            base.authorize('add_user_to_group', **target)
            m.add_user_to_group(user_id, self.group_id)
        elif method == 'GET':
            base.authorize('check_user_in_group', **target)
            m.check_user_in_group(user_id, self.group_id)
        elif method == 'DELETE':
            base.authorize('remove_user_from_group', **target)
            m.remove_user_from_group(user_id, self.group_id)
        else:
            pecan.abort(405)
        return base.no_content()
