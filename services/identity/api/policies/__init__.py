"""Identity API policies as data: keystone's current defaults.

Personas: the cloud administrator (``admin`` on any scope), the system
reader (``reader`` on a system-scoped token), the domain reader (``reader``
on a token scoped to the target's domain) and the user the call is about.
A project ``member`` or ``reader`` has no identity-wide reads: members
list their own projects through ``/v3/auth/projects`` or
``/v3/users/{id}/projects``.

Targets are flat dicts; :func:`controllers.base.authorize` prefixes every
key with ``target_`` and drops keys whose value is None, so a missing
target never matches a missing credential (oslo.policy compares
``str(None)`` on both sides otherwise).  Credentials are the token's
(user_id, project_id, domain_id, project_domain_id, system_scope, roles).
"""

from oslo_policy import policy

from common import policy as common_policy

ADMIN = 'rule:admin_required'
SYSTEM_READER = '(role:reader and system_scope:all)'
ADMIN_OR_SYSTEM_READER = 'rule:admin_required or rule:system_reader'
OWNER = 'user_id:%(target_user_id)s'
TRUSTOR = 'user_id:%(target_trustor_user_id)s'
TRUSTEE = 'user_id:%(target_trustee_user_id)s'
_EPF = '/v3/OS-EP-FILTER'
ANYONE = ''


def _domain_reader(key):
    """A reader on a token scoped to the domain named by ``target_<key>``."""
    return '(role:reader and domain_id:%%(target_%s)s)' % key


def _admin_reader_or(*extra):
    return ' or '.join((ADMIN_OR_SYSTEM_READER,) + extra)


BASE = [
    policy.RuleDefault('admin_required', 'role:admin', 'Cloud administrator.'),
    policy.RuleDefault('system_reader', SYSTEM_READER, 'Reader on the system scope.'),
    policy.RuleDefault('service_role', 'role:service', 'A service user.'),
    policy.RuleDefault('service_or_admin', 'rule:admin_required or rule:service_role',
                       'Administrator or a service user.'),
    policy.RuleDefault('owner', OWNER, 'The user the request is about.'),
    policy.RuleDefault('token_subject', 'user_id:%(target_token_user_id)s',
                       'The user a token was issued to.'),
]

_PROJECT_USER = _admin_reader_or(_domain_reader('project_domain_id'),
                                 'project_id:%(target_project_id)s')
_SELF_OR_DOMAIN_READER = _admin_reader_or(_domain_reader('user_domain_id'), OWNER)

#: action -> (check string, method, path)
RULES = {
    # domains
    'get_domain': (_admin_reader_or('domain_id:%(target_domain_id)s',
                                    'project_domain_id:%(target_domain_id)s'),
                   'GET', '/v3/domains/{domain_id}'),
    'list_domains': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/domains'),
    'create_domain': (ADMIN, 'POST', '/v3/domains'),
    'update_domain': (ADMIN, 'PATCH', '/v3/domains/{domain_id}'),
    'delete_domain': (ADMIN, 'DELETE', '/v3/domains/{domain_id}'),
    # domain-specific configuration
    'create_domain_config': (ADMIN, 'PUT', '/v3/domains/{domain_id}/config'),
    'get_domain_config': (ADMIN_OR_SYSTEM_READER, 'GET',
                          '/v3/domains/{domain_id}/config[/{group}[/{option}]]'),
    'update_domain_config': (ADMIN, 'PATCH',
                             '/v3/domains/{domain_id}/config[/{group}[/{option}]]'),
    'delete_domain_config': (ADMIN, 'DELETE',
                             '/v3/domains/{domain_id}/config[/{group}[/{option}]]'),
    'get_domain_config_default': (ADMIN_OR_SYSTEM_READER, 'GET',
                                  '/v3/domains/config[/{group}[/{option}]]/default'),
    # projects
    'get_project': (_PROJECT_USER, 'GET', '/v3/projects/{project_id}'),
    'list_projects': (_admin_reader_or(_domain_reader('domain_id')), 'GET', '/v3/projects'),
    'list_user_projects': (_SELF_OR_DOMAIN_READER, 'GET', '/v3/users/{user_id}/projects'),
    'create_project': (ADMIN, 'POST', '/v3/projects'),
    'update_project': (ADMIN, 'PATCH', '/v3/projects/{project_id}'),
    'delete_project': (ADMIN, 'DELETE', '/v3/projects/{project_id}'),
    'list_project_tags': (_PROJECT_USER, 'GET', '/v3/projects/{project_id}/tags'),
    'get_project_tag': (_PROJECT_USER, 'GET', '/v3/projects/{project_id}/tags/{tag}'),
    'update_project_tags': (ADMIN, 'PUT', '/v3/projects/{project_id}/tags'),
    'create_project_tag': (ADMIN, 'PUT', '/v3/projects/{project_id}/tags/{tag}'),
    'delete_project_tags': (ADMIN, 'DELETE', '/v3/projects/{project_id}/tags'),
    'delete_project_tag': (ADMIN, 'DELETE', '/v3/projects/{project_id}/tags/{tag}'),
    # users
    'get_user': (_SELF_OR_DOMAIN_READER, 'GET', '/v3/users/{user_id}'),
    'list_users': (_admin_reader_or(_domain_reader('domain_id')), 'GET', '/v3/users'),
    'create_user': (ADMIN, 'POST', '/v3/users'),
    'update_user': (ADMIN, 'PATCH', '/v3/users/{user_id}'),
    'delete_user': (ADMIN, 'DELETE', '/v3/users/{user_id}'),
    # the original password is the proof; the user itself or an administrator
    'change_password': ('rule:admin_required or ' + OWNER, 'POST',
                        '/v3/users/{user_id}/password'),
    'list_groups_for_user': (_SELF_OR_DOMAIN_READER, 'GET', '/v3/users/{user_id}/groups'),
    # groups
    'get_group': (_admin_reader_or(_domain_reader('group_domain_id')),
                  'GET', '/v3/groups/{group_id}'),
    'list_groups': (_admin_reader_or(_domain_reader('domain_id')), 'GET', '/v3/groups'),
    'list_users_in_group': (_admin_reader_or(_domain_reader('group_domain_id')),
                            'GET', '/v3/groups/{group_id}/users'),
    'check_user_in_group': (_admin_reader_or(_domain_reader('group_domain_id')),
                            'HEAD', '/v3/groups/{group_id}/users/{user_id}'),
    'create_group': (ADMIN, 'POST', '/v3/groups'),
    'update_group': (ADMIN, 'PATCH', '/v3/groups/{group_id}'),
    'delete_group': (ADMIN, 'DELETE', '/v3/groups/{group_id}'),
    'add_user_to_group': (ADMIN, 'PUT', '/v3/groups/{group_id}/users/{user_id}'),
    'remove_user_from_group': (ADMIN, 'DELETE', '/v3/groups/{group_id}/users/{user_id}'),
    # roles and implied roles
    'get_role': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/roles/{role_id}'),
    'list_roles': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/roles'),
    'create_role': (ADMIN, 'POST', '/v3/roles'),
    'update_role': (ADMIN, 'PATCH', '/v3/roles/{role_id}'),
    'delete_role': (ADMIN, 'DELETE', '/v3/roles/{role_id}'),
    'get_implied_role': (ADMIN_OR_SYSTEM_READER, 'GET',
                         '/v3/roles/{prior_role_id}/implies/{implied_role_id}'),
    'list_implied_roles': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/roles/{prior_role_id}/implies'),
    'create_implied_role': (ADMIN, 'PUT',
                            '/v3/roles/{prior_role_id}/implies/{implied_role_id}'),
    'delete_implied_role': (ADMIN, 'DELETE',
                            '/v3/roles/{prior_role_id}/implies/{implied_role_id}'),
    'list_role_inference_rules': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/role_inferences'),
    # grants on projects and domains (target_domain_id: the domain, or the project's)
    'check_grant': (_admin_reader_or(_domain_reader('domain_id')), 'HEAD',
                    '/v3/{projects|domains}/{id}/{users|groups}/{id}/roles/{role_id}'),
    'list_grants': (_admin_reader_or(_domain_reader('domain_id')), 'GET',
                    '/v3/{projects|domains}/{id}/{users|groups}/{id}/roles'),
    'create_grant': (ADMIN, 'PUT',
                     '/v3/{projects|domains}/{id}/{users|groups}/{id}/roles/{role_id}'),
    'revoke_grant': (ADMIN, 'DELETE',
                     '/v3/{projects|domains}/{id}/{users|groups}/{id}/roles/{role_id}'),
    'list_system_grants': (ADMIN_OR_SYSTEM_READER, 'GET',
                           '/v3/system/{users|groups}/{id}/roles'),
    'check_system_grant': (ADMIN_OR_SYSTEM_READER, 'HEAD',
                           '/v3/system/{users|groups}/{id}/roles/{role_id}'),
    'create_system_grant': (ADMIN, 'PUT', '/v3/system/{users|groups}/{id}/roles/{role_id}'),
    'revoke_system_grant': (ADMIN, 'DELETE',
                            '/v3/system/{users|groups}/{id}/roles/{role_id}'),
    # a domain reader lists the assignments inside its own domain
    'list_role_assignments': (_admin_reader_or(_domain_reader('domain_id')),
                              'GET', '/v3/role_assignments'),
    # catalog: anyone reads regions, administrators see services and endpoints
    'get_region': (ANYONE, 'GET', '/v3/regions/{region_id}'),
    'list_regions': (ANYONE, 'GET', '/v3/regions'),
    'create_region': (ADMIN, 'POST', '/v3/regions'),
    'update_region': (ADMIN, 'PATCH', '/v3/regions/{region_id}'),
    'delete_region': (ADMIN, 'DELETE', '/v3/regions/{region_id}'),
    'get_service': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/services/{service_id}'),
    'list_services': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/services'),
    'create_service': (ADMIN, 'POST', '/v3/services'),
    'update_service': (ADMIN, 'PATCH', '/v3/services/{service_id}'),
    'delete_service': (ADMIN, 'DELETE', '/v3/services/{service_id}'),
    'get_endpoint': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/endpoints/{endpoint_id}'),
    'list_endpoints': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/endpoints'),
    'create_endpoint': (ADMIN, 'POST', '/v3/endpoints'),
    'update_endpoint': (ADMIN, 'PATCH', '/v3/endpoints/{endpoint_id}'),
    'delete_endpoint': (ADMIN, 'DELETE', '/v3/endpoints/{endpoint_id}'),
    # application credentials belong to their user alone
    'get_application_credential': (_admin_reader_or(OWNER), 'GET',
                                   '/v3/users/{user_id}/application_credentials/{id}'),
    'list_application_credentials': (_admin_reader_or(OWNER), 'GET',
                                     '/v3/users/{user_id}/application_credentials'),
    'create_application_credential': (OWNER, 'POST',
                                      '/v3/users/{user_id}/application_credentials'),
    'delete_application_credential': ('rule:admin_required or ' + OWNER, 'DELETE',
                                      '/v3/users/{user_id}/application_credentials/{id}'),
    # access rules of application credentials belong to their user
    'get_access_rule': (_admin_reader_or(OWNER), 'GET',
                        '/v3/users/{user_id}/access_rules/{access_rule_id}'),
    'list_access_rules': (_admin_reader_or(OWNER), 'GET', '/v3/users/{user_id}/access_rules'),
    'delete_access_rule': ('rule:admin_required or ' + OWNER, 'DELETE',
                           '/v3/users/{user_id}/access_rules/{access_rule_id}'),
    # credentials: target_user_id is the credential's owner
    'get_credential': (_admin_reader_or(OWNER), 'GET', '/v3/credentials/{credential_id}'),
    'list_credentials': (_admin_reader_or(OWNER), 'GET', '/v3/credentials'),
    'create_credential': ('rule:admin_required or ' + OWNER, 'POST', '/v3/credentials'),
    'update_credential': ('rule:admin_required or ' + OWNER, 'PATCH',
                          '/v3/credentials/{credential_id}'),
    'delete_credential': ('rule:admin_required or ' + OWNER, 'DELETE',
                          '/v3/credentials/{credential_id}'),
    # tokens and what the caller's own token reaches
    'validate_token': ('rule:service_or_admin or rule:token_subject', 'GET',
                       '/v3/auth/tokens'),
    'check_token': ('rule:service_or_admin or rule:token_subject', 'HEAD', '/v3/auth/tokens'),
    'revoke_token': ('rule:admin_required or rule:token_subject', 'DELETE',
                     '/v3/auth/tokens'),
    'get_auth_catalog': (ANYONE, 'GET', '/v3/auth/catalog'),
    'get_auth_projects': (ANYONE, 'GET', '/v3/auth/projects'),
    'get_auth_domains': (ANYONE, 'GET', '/v3/auth/domains'),
    'get_auth_system': (ANYONE, 'GET', '/v3/auth/system'),
    # trusts: the trustor creates and deletes, trustor and trustee read
    'create_trust': ('user_id:%(target_trustor_user_id)s', 'POST', '/v3/OS-TRUST/trusts'),
    'list_trusts': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/OS-TRUST/trusts'),
    'list_trusts_for_trustor': (_admin_reader_or(TRUSTOR), 'GET',
                                '/v3/OS-TRUST/trusts?trustor_user_id={user_id}'),
    'list_trusts_for_trustee': (_admin_reader_or(TRUSTEE), 'GET',
                                '/v3/OS-TRUST/trusts?trustee_user_id={user_id}'),
    'get_trust': (_admin_reader_or(TRUSTOR, TRUSTEE), 'GET',
                  '/v3/OS-TRUST/trusts/{trust_id}'),
    'list_roles_for_trust': (_admin_reader_or(TRUSTOR, TRUSTEE), 'GET',
                             '/v3/OS-TRUST/trusts/{trust_id}/roles'),
    'get_role_for_trust': (_admin_reader_or(TRUSTOR, TRUSTEE), 'GET',
                           '/v3/OS-TRUST/trusts/{trust_id}/roles/{role_id}'),
    'delete_trust': ('rule:admin_required or ' + TRUSTOR, 'DELETE',
                     '/v3/OS-TRUST/trusts/{trust_id}'),
    # unified limits: anyone reads registered limits and the model, a project's
    # users its limits; administrators write
    'get_registered_limit': (ANYONE, 'GET', '/v3/registered_limits/{registered_limit_id}'),
    'list_registered_limits': (ANYONE, 'GET', '/v3/registered_limits'),
    'create_registered_limit': (ADMIN, 'POST', '/v3/registered_limits'),
    'update_registered_limit': (ADMIN, 'PATCH',
                                '/v3/registered_limits/{registered_limit_id}'),
    'delete_registered_limit': (ADMIN, 'DELETE',
                                '/v3/registered_limits/{registered_limit_id}'),
    'get_limit_model': (ANYONE, 'GET', '/v3/limits/model'),
    'get_limit': (_admin_reader_or('project_id:%(target_project_id)s',
                                   _domain_reader('domain_id')),
                  'GET', '/v3/limits/{limit_id}'),
    'list_limits': (ANYONE, 'GET', '/v3/limits'),
    'create_limit': (ADMIN, 'POST', '/v3/limits'),
    'update_limit': (ADMIN, 'PATCH', '/v3/limits/{limit_id}'),
    'delete_limit': (ADMIN, 'DELETE', '/v3/limits/{limit_id}'),
    # policy blobs stored for other services
    'get_policy': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/policies/{policy_id}'),
    'list_policies': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/policies'),
    'create_policy': (ADMIN, 'POST', '/v3/policies'),
    'update_policy': (ADMIN, 'PATCH', '/v3/policies/{policy_id}'),
    'delete_policy': (ADMIN, 'DELETE', '/v3/policies/{policy_id}'),
    # OS-EC2 credentials belong to their user
    'ec2_get_credential': (_admin_reader_or(OWNER), 'GET',
                           '/v3/users/{user_id}/credentials/OS-EC2/{credential_id}'),
    'ec2_list_credentials': (_admin_reader_or(OWNER), 'GET',
                             '/v3/users/{user_id}/credentials/OS-EC2'),
    'ec2_create_credential': ('rule:admin_required or ' + OWNER, 'POST',
                              '/v3/users/{user_id}/credentials/OS-EC2'),
    'ec2_delete_credential': ('rule:admin_required or ' + OWNER, 'DELETE',
                              '/v3/users/{user_id}/credentials/OS-EC2/{credential_id}'),
    # OS-EP-FILTER: administrators associate, administrators and system readers read
    'add_endpoint_to_project': (
        ADMIN, 'PUT', _EPF + '/projects/{project_id}/endpoints/{endpoint_id}'),
    'check_endpoint_in_project': (
        ADMIN_OR_SYSTEM_READER, 'HEAD', _EPF + '/projects/{project_id}/endpoints/{endpoint_id}'),
    'list_endpoints_for_project': (
        ADMIN_OR_SYSTEM_READER, 'GET', _EPF + '/projects/{project_id}/endpoints'),
    'list_projects_for_endpoint': (
        ADMIN_OR_SYSTEM_READER, 'GET', _EPF + '/endpoints/{endpoint_id}/projects'),
    'remove_endpoint_from_project': (
        ADMIN, 'DELETE', _EPF + '/projects/{project_id}/endpoints/{endpoint_id}'),
    'create_endpoint_group': (
        ADMIN, 'POST', _EPF + '/endpoint_groups'),
    'list_endpoint_groups': (
        ADMIN_OR_SYSTEM_READER, 'GET', _EPF + '/endpoint_groups'),
    'get_endpoint_group': (
        ADMIN_OR_SYSTEM_READER, 'GET', _EPF + '/endpoint_groups/{endpoint_group_id}'),
    'update_endpoint_group': (
        ADMIN, 'PATCH', _EPF + '/endpoint_groups/{endpoint_group_id}'),
    'delete_endpoint_group': (
        ADMIN, 'DELETE', _EPF + '/endpoint_groups/{endpoint_group_id}'),
    'list_projects_associated_with_endpoint_group': (
        ADMIN_OR_SYSTEM_READER, 'GET', _EPF + '/endpoint_groups/{endpoint_group_id}/projects'),
    'list_endpoints_associated_with_endpoint_group': (
        ADMIN_OR_SYSTEM_READER, 'GET', _EPF + '/endpoint_groups/{endpoint_group_id}/endpoints'),
    'get_endpoint_group_in_project': (
        ADMIN_OR_SYSTEM_READER, 'GET',
        _EPF + '/endpoint_groups/{endpoint_group_id}/projects/{project_id}'),
    'list_endpoint_groups_for_project': (
        ADMIN_OR_SYSTEM_READER, 'GET', _EPF + '/projects/{project_id}/endpoint_groups'),
    'add_endpoint_group_to_project': (
        ADMIN, 'PUT', _EPF + '/endpoint_groups/{endpoint_group_id}/projects/{project_id}'),
    'remove_endpoint_group_from_project': (
        ADMIN, 'DELETE', _EPF + '/endpoint_groups/{endpoint_group_id}/projects/{project_id}'),
    # OS-OAUTH1 consumers
    'get_consumer': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/OS-OAUTH1/consumers/{consumer_id}'),
    'list_consumers': (ADMIN_OR_SYSTEM_READER, 'GET', '/v3/OS-OAUTH1/consumers'),
    'create_consumer': (ADMIN, 'POST', '/v3/OS-OAUTH1/consumers'),
    'update_consumer': (ADMIN, 'PATCH', '/v3/OS-OAUTH1/consumers/{consumer_id}'),
    'delete_consumer': (ADMIN, 'DELETE', '/v3/OS-OAUTH1/consumers/{consumer_id}'),
    # revocation events: what every API's token cache catches up on
    'list_revoke_events': ('rule:service_or_admin', 'GET', '/v3/OS-REVOKE/events'),
}

#: what an unscoped token may do: its own token calls, find out what it may
#: scope to, look at its own user and change its own password
UNSCOPED_ACTIONS = frozenset((
    'validate_token', 'check_token', 'revoke_token', 'get_auth_projects',
    'get_auth_domains', 'get_auth_system', 'list_user_projects', 'get_user',
    'change_password', 'create_trust', 'get_trust', 'list_trusts_for_trustor',
    'list_trusts_for_trustee', 'list_roles_for_trust', 'get_role_for_trust', 'delete_trust',
))


def list_rules():
    return BASE + [
        policy.DocumentedRuleDefault('identity:' + name, check, 'Identity API: %s.' % name,
                                     [{'method': method, 'path': path}])
        for name, (check, method, path) in sorted(RULES.items())]


def make_enforcer(conf):
    return common_policy.make_enforcer(conf, list_rules())
