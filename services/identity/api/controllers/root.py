"""Version discovery at / and /v3, and the v3 collections."""

import pecan

from common import wsgi
from services.identity.api.controllers import auth as auth_api
from services.identity.api.controllers import base
from services.identity.api.controllers import credentials as credentials_api
from services.identity.api.controllers import domains as domains_api
from services.identity.api.controllers import ec2 as ec2_api
from services.identity.api.controllers import endpoint_filter as endpoint_filter_api
from services.identity.api.controllers import endpoints as endpoints_api
from services.identity.api.controllers import grants as grants_api
from services.identity.api.controllers import groups as groups_api
from services.identity.api.controllers import limits as limits_api
from services.identity.api.controllers import oauth1 as oauth1_api
from services.identity.api.controllers import policies as policies_api
from services.identity.api.controllers import projects as projects_api
from services.identity.api.controllers import regions as regions_api
from services.identity.api.controllers import revoke_events as revoke_events_api
from services.identity.api.controllers import role_assignments as role_assignments_api
from services.identity.api.controllers import roles as roles_api
from services.identity.api.controllers import services as services_api
from services.identity.api.controllers import trusts as trusts_api
from services.identity.api.controllers import users as users_api

VERSION_ID = 'v3.14'
UPDATED = '2020-04-07T00:00:00Z'
MEDIA_TYPE = 'application/vnd.openstack.identity-v3+json'


def _version(host_url):
    return {'id': VERSION_ID, 'status': 'stable', 'updated': UPDATED,
            'links': [{'rel': 'self', 'href': host_url + '/v3/'}],
            'media-types': [{'base': 'application/json', 'type': MEDIA_TYPE}]}


def _host_url():
    return wsgi.base_url(pecan.request.managers.conf, pecan.request)


class V3Controller:
    auth = auth_api.AuthController()
    domains = domains_api.DomainsController()
    projects = projects_api.ProjectsController()
    users = users_api.UsersController()
    groups = groups_api.GroupsController()
    roles = roles_api.RolesController()
    role_assignments = role_assignments_api.RoleAssignmentsController()
    role_inferences = roles_api.RoleInferencesController()
    regions = regions_api.RegionsController()
    services = services_api.ServicesController()
    endpoints = endpoints_api.EndpointsController()
    system = grants_api.SystemController()
    credentials = credentials_api.CredentialsController()
    registered_limits = limits_api.RegisteredLimitsController()
    limits = limits_api.LimitsController()
    policies = policies_api.PoliciesController()
    ec2tokens = ec2_api.Ec2TokensController()
    s3tokens = ec2_api.S3TokensController()

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        return {'version': _version(_host_url())}


pecan.route(V3Controller, 'OS-INHERIT', grants_api.InheritController())
pecan.route(V3Controller, 'OS-REVOKE', revoke_events_api.OSRevokeController())
pecan.route(V3Controller, 'OS-TRUST', trusts_api.OSTrustController())
pecan.route(V3Controller, 'OS-OAUTH1', oauth1_api.OSOAuth1Controller())
pecan.route(V3Controller, 'OS-EP-FILTER', endpoint_filter_api.OSEPFilterController())


class RootController:
    v3 = V3Controller()

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        pecan.response.status = 300
        return {'versions': {'values': [_version(_host_url())]}}
