"""/v3/OS-TRUST/trusts: delegation of a trustor's roles to a trustee."""

import pecan
from pecan import rest

from services.identity import exception
from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import trust as schemas


def _target(ref):
    return {'trustor_user_id': ref['trustor_user_id'],
            'trustee_user_id': ref['trustee_user_id']}


def _view(ref):
    return views.trust(base.base_url(), ref, base.managers().assignment.roles_by_id())


class TrustRolesController:
    """/v3/OS-TRUST/trusts/{id}/roles[/{role_id}]."""

    def __init__(self, trust_id):
        self.trust_id = trust_id

    @pecan.expose('json')
    def _default(self, role_id=None, *extra):
        if extra:
            pecan.abort(404)
        base.allow('GET')
        trust = base.managers().trust.get(self.trust_id)
        roles = base.managers().assignment.roles_by_id()
        url = base.base_url()
        delegated = [roles[r['id']] for r in trust['roles'] if r['id'] in roles]
        if role_id is None:
            base.authorize('list_roles_for_trust', **_target(trust))
            return views.collection(url, 'OS-TRUST/trusts/%s/roles' % self.trust_id,
                                    'roles', [views.role(url, r) for r in delegated])
        base.authorize('get_role_for_trust', **_target(trust))
        for role in delegated:
            if role['id'] == role_id:
                return {'role': views.role(url, role)}
        raise exception.RoleNotFound(role_id=role_id)


class TrustsController(rest.RestController):

    @pecan.expose('json')
    def get_all(self, **params):
        hints = base.hints_from(params, ('trustor_user_id', 'trustee_user_id'))
        if not hints:
            base.authorize('list_trusts')
        else:
            # each filter names a user who may list its own trusts
            for key in hints:
                base.authorize('list_trusts_for_' + key[:-len('_user_id')],
                               **{key: hints[key]})
        refs = base.managers().trust.list(hints)
        return views.collection(base.base_url(), 'OS-TRUST/trusts', 'trusts',
                                [_view(r) for r in refs])

    @pecan.expose('json')
    def get_one(self, trust_id):
        ref = base.managers().trust.get(trust_id)
        base.authorize('get_trust', **_target(ref))
        return {'trust': _view(ref)}

    @pecan.expose('json')
    def post(self):
        values = base.body(schemas.trust_create)['trust']
        base.authorize('create_trust', trustor_user_id=values['trustor_user_id'])
        ref = base.managers().trust.create(
            values, redelegating_from=base.token().payload.trust_id)
        base.status(201)
        return {'trust': _view(ref)}

    @pecan.expose('json')
    def put(self, trust_id=None, *remainder):
        raise base.MethodNotAllowed(('GET', 'POST') if trust_id is None
                                    else ('GET', 'DELETE'))

    @pecan.expose('json')
    def patch(self, trust_id=None, *remainder):
        self.put(trust_id)

    @pecan.expose('json')
    def delete(self, trust_id=None):
        if trust_id is None:
            raise base.MethodNotAllowed(('GET', 'POST'))
        ref = base.managers().trust.get(trust_id)
        base.authorize('delete_trust', **_target(ref))
        base.managers().trust.delete(trust_id)
        return base.no_content()

    @pecan.expose()
    def _lookup(self, trust_id, *remainder):
        if remainder and remainder[0] == 'roles':
            return TrustRolesController(trust_id), remainder[1:]
        pecan.abort(404)


class OSTrustController:
    trusts = TrustsController()
