"""Identity API policies, defaults in code.

Targets are flat dicts (``target_user_id``, ``target_project_id``,
``target_domain_id``); credentials are the token's (user_id, project_id,
domain_id, project_domain_id, system_scope, roles).  ``admin_required``
is the cloud administrator; ``owner`` the user the call is about.
"""

from oslo_policy import policy

from common import policy as common_policy

ADMIN = 'rule:admin_required'
OWNER = 'user_id:%(target_user_id)s'
ADMIN_OR_OWNER = 'rule:admin_required or rule:owner'

BASE = [
    policy.RuleDefault('admin_required', 'role:admin', 'Cloud administrator.'),
    policy.RuleDefault('owner', OWNER, 'The user the request is about.'),
    policy.RuleDefault('admin_or_owner', ADMIN_OR_OWNER, 'Administrator or owner.'),
    policy.RuleDefault('token_subject', 'user_id:%(target_token_user_id)s',
                       'The user a token was issued to.'),
    policy.RuleDefault('service_or_admin', 'rule:admin_required or role:service',
                       'Administrator or a service user.'),
]


def _rules():
    rules = {}
    # domains
    rules['identity:get_domain'] = ('rule:admin_required or domain_id:%(target_domain_id)s '
                                    'or project_domain_id:%(target_domain_id)s')
    for verb in ('list_domains', 'create_domain', 'update_domain', 'delete_domain'):
        rules['identity:' + verb] = ADMIN
    # projects: anyone may list, non-admins see only their own projects
    rules['identity:get_project'] = 'rule:admin_required or project_id:%(target_project_id)s'
    rules['identity:list_projects'] = ''
    rules['identity:list_user_projects'] = ADMIN_OR_OWNER
    for verb in ('create_project', 'update_project', 'delete_project', 'create_project_tag',
                 'delete_project_tag', 'update_project_tags', 'delete_project_tags'):
        rules['identity:' + verb] = ADMIN
    rules['identity:get_project_tag'] = rules['identity:get_project']
    rules['identity:list_project_tags'] = rules['identity:get_project']
    # users and groups
    rules['identity:get_user'] = ADMIN_OR_OWNER
    rules['identity:change_password'] = OWNER
    rules['identity:list_groups_for_user'] = ADMIN_OR_OWNER
    for verb in ('list_users', 'create_user', 'update_user', 'delete_user', 'get_group',
                 'list_groups', 'create_group', 'update_group', 'delete_group',
                 'list_users_in_group', 'add_user_to_group', 'remove_user_from_group',
                 'check_user_in_group'):
        rules['identity:' + verb] = ADMIN
    # roles and assignments
    for verb in ('get_role', 'list_roles', 'create_role', 'update_role', 'delete_role',
                 'get_implied_role', 'list_implied_roles', 'create_implied_role',
                 'delete_implied_role', 'list_role_inference_rules', 'check_grant',
                 'list_grants', 'create_grant', 'revoke_grant', 'list_role_assignments',
                 'list_system_grants', 'check_system_grant', 'create_system_grant',
                 'revoke_system_grant'):
        rules['identity:' + verb] = ADMIN
    # catalog: anyone may look at regions, like keystone
    rules['identity:get_region'] = ''
    rules['identity:list_regions'] = ''
    for verb in ('create_region', 'update_region', 'delete_region', 'get_service',
                 'list_services', 'create_service', 'update_service', 'delete_service',
                 'get_endpoint', 'list_endpoints', 'create_endpoint', 'update_endpoint',
                 'delete_endpoint'):
        rules['identity:' + verb] = ADMIN
    # application credentials belong to their user
    for verb in ('get_application_credential', 'list_application_credentials',
                 'delete_application_credential'):
        rules['identity:' + verb] = ADMIN_OR_OWNER
    rules['identity:create_application_credential'] = OWNER
    # credentials: the administrator, or the user who owns the credential
    for verb in ('get_credential', 'list_credentials', 'create_credential',
                 'update_credential', 'delete_credential'):
        rules['identity:' + verb] = ADMIN_OR_OWNER
    # tokens
    rules['identity:validate_token'] = 'rule:service_or_admin or rule:token_subject'
    rules['identity:check_token'] = 'rule:service_or_admin or rule:token_subject'
    rules['identity:revoke_token'] = 'rule:admin_required or rule:token_subject'
    rules['identity:list_revoke_events'] = 'rule:service_or_admin'
    return rules


def list_rules():
    return BASE + [policy.RuleDefault(name, check, 'Identity API: %s.' % name)
                   for name, check in sorted(_rules().items())]


def make_enforcer(conf):
    return common_policy.make_enforcer(conf, list_rules())
