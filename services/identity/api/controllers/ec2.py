"""OS-EC2: /v3/users/{user_id}/credentials/OS-EC2[/{access}], and the
signature logins /v3/ec2tokens and /v3/s3tokens (public, like
POST /v3/auth/tokens: the signature is the proof)."""

import pecan
from pecan import rest

from services.identity.api.controllers import base
from services.identity.api.schemas import ec2 as schemas
from services.identity.auth import core as auth_core
from services.identity.core import ec2 as ec2_core


def _view(user_id, ref):
    blob = ec2_core.blob_of(ref)
    return {'user_id': ref['user_id'], 'tenant_id': ref['project_id'],
            'access': blob.get('access'), 'secret': blob.get('secret'),
            'trust_id': blob.get('trust_id'),
            'links': {'self': '%s/users/%s/credentials/OS-EC2/%s'
                      % (base.base_url(), user_id, blob.get('access'))}}


class Ec2CredentialsController(rest.RestController):

    def __init__(self, user_id):
        self.user_id = user_id

    @pecan.expose('json')
    def get_all(self):
        base.authorize('ec2_list_credentials', user_id=self.user_id)
        refs = base.managers().ec2.list(self.user_id)
        url = base.base_url()
        return {'credentials': [_view(self.user_id, r) for r in refs],
                'links': {'self': '%s/users/%s/credentials/OS-EC2' % (url, self.user_id),
                          'previous': None, 'next': None}}

    @pecan.expose('json')
    def get_one(self, access):
        base.authorize('ec2_get_credential', user_id=self.user_id)
        return {'credential': _view(self.user_id,
                                    base.managers().ec2.get(self.user_id, access))}

    @pecan.expose('json')
    def post(self):
        values = base.body(schemas.ec2_create)
        base.authorize('ec2_create_credential', user_id=self.user_id)
        token = base.token()
        ref = base.managers().ec2.create(self.user_id, values['tenant_id'],
                                         trust_id=token.payload.trust_id,
                                         app_cred_id=token.payload.app_cred_id)
        base.status(201)
        return {'credential': _view(self.user_id, ref)}

    @pecan.expose('json')
    def put(self, access=None, *remainder):
        raise base.MethodNotAllowed(('GET', 'POST') if access is None else ('GET', 'DELETE'))

    @pecan.expose('json')
    def patch(self, access=None, *remainder):
        self.put(access)

    @pecan.expose('json')
    def delete(self, access=None):
        if access is None:
            raise base.MethodNotAllowed(('GET', 'POST'))
        base.authorize('ec2_delete_credential', user_id=self.user_id)
        base.managers().ec2.delete(self.user_id, access)
        return base.no_content()


class Ec2TokensController:

    @pecan.expose('json')
    def index(self, **params):
        base.allow('POST')
        body = base.body(schemas.ec2tokens)
        creds = body.get('credentials') or body.get('ec2Credentials')
        m = base.managers()
        ref, blob = m.ec2.authenticate_ec2(creds)
        token = auth_core.issue_for_ec2(m, base.request().provider, ref, blob)
        pecan.response.headers['X-Subject-Token'] = token.token_id
        return token.render(include_catalog='nocatalog' not in params)


class S3TokensController:

    @pecan.expose('json')
    def index(self):
        base.allow('POST')
        creds = base.body(schemas.s3tokens)['credentials']
        m = base.managers()
        ref, blob = m.ec2.authenticate_s3(creds)
        token = auth_core.issue_for_ec2(m, base.request().provider, ref, blob)
        pecan.response.headers['X-Subject-Token'] = token.token_id
        return token.render()
