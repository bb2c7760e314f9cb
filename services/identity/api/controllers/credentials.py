"""/v3/credentials.

Policy targets carry the credential's owner (``target_user_id``).  As in
keystone, a caller who may not see a credential gets 403 whether or not it
exists, and a listing shows only the credentials the caller may see.
"""

import pecan
from pecan import rest

from services.identity import exception
from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import credential as schemas


def _target(ref):
    return {'user_id': ref.get('user_id'), 'project_id': ref.get('project_id')}


class CredentialsController(rest.RestController):

    @staticmethod
    def _stored(action, credential_id):
        """The stored ref once ``action`` is allowed on it."""
        try:
            ref = base.managers().credential.get_stored(credential_id)
        except exception.CredentialNotFound:
            # only callers who could act on any owner's credential learn it is missing
            base.authorize(action, user_id=None, project_id=None)
            raise
        base.authorize(action, **_target(ref))
        return ref

    @pecan.expose('json')
    def get_all(self, **params):
        ctx = base.context()
        base.authorize('list_credentials', user_id=ctx.user_id, project_id=ctx.project_id)
        m = base.managers().credential
        visible = [ref for ref in m.list_stored(base.hints_from(params, ('user_id', 'type')))
                   if base.authorize('get_credential', do_raise=False, **_target(ref))]
        url = base.base_url()
        return views.collection(url, 'credentials', 'credentials',
                                [views.credential(url, m.decrypt(ref)) for ref in visible])

    @pecan.expose('json')
    def get_one(self, credential_id):
        ref = self._stored('get_credential', credential_id)
        return {'credential': views.credential(base.base_url(),
                                               base.managers().credential.decrypt(ref))}

    @pecan.expose('json')
    def post(self):
        values = base.body(schemas.credential_create)['credential']
        base.authorize('create_credential', **_target(values))
        token = base.token()
        ref = base.managers().credential.create(values, app_cred_id=token.payload.app_cred_id)
        base.status(201)
        return {'credential': views.credential(base.base_url(), ref)}

    @pecan.expose('json')
    def put(self, credential_id=None, *remainder):
        raise base.MethodNotAllowed(('GET', 'POST') if credential_id is None
                                    else ('GET', 'PATCH', 'DELETE'))

    @pecan.expose('json')
    def patch(self, credential_id=None):
        if credential_id is None:
            raise base.MethodNotAllowed(('GET', 'POST'))
        current = self._stored('update_credential', credential_id)
        values = base.body(schemas.credential_update)['credential']
        if values.get('id', credential_id) != credential_id:
            raise exception.ValidationError('Cannot change ID')
        # the new owner must pass the policy too: no handing credentials to others
        base.authorize('update_credential', **_target(dict(current, **values)))
        ref = base.managers().credential.update(credential_id, values)
        return {'credential': views.credential(base.base_url(), ref)}

    @pecan.expose('json')
    def delete(self, credential_id=None):
        if credential_id is None:
            raise base.MethodNotAllowed(('GET', 'POST'))
        self._stored('delete_credential', credential_id)
        base.managers().credential.delete(credential_id)
        return base.no_content()
