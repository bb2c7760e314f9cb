"""oslo.policy with defaults in code.

Every service declares its rules as ``policy.DocumentedRuleDefault`` lists
(``services/<svc>/api/policies/``) on top of the base personas below, and
enforces them through :func:`authorize`.  Operators may still override any
rule with a policy file.
"""

from oslo_policy import policy

from common import exception

ADMIN = 'role:admin'
PROJECT_MEMBER = 'role:member and project_id:%(project_id)s'
PROJECT_READER = 'role:reader and project_id:%(project_id)s'

BASE_RULES = [
    policy.RuleDefault('context_is_admin', ADMIN, 'Holds the admin role.'),
    policy.RuleDefault('admin_api', ADMIN, 'Cloud administrator APIs.'),
    policy.RuleDefault('project_member', PROJECT_MEMBER,
                       'Member of the project that owns the target.'),
    policy.RuleDefault('project_reader', PROJECT_READER,
                       'Reader of the project that owns the target.'),
    policy.RuleDefault('admin_or_member', 'rule:admin_api or rule:project_member',
                       'Administrator, or member of the owning project.'),
    policy.RuleDefault('admin_or_reader', 'rule:admin_api or rule:project_reader',
                       'Administrator, or reader of the owning project.'),
]


def make_enforcer(conf, rules, policy_file=None):
    enforcer = policy.Enforcer(conf, policy_file=policy_file, use_conf=True)
    enforcer.register_defaults(BASE_RULES)
    enforcer.register_defaults(rules)
    return enforcer


def authorize(enforcer, context, action, target=None, do_raise=True):
    """Enforce ``action`` for ``context``; raise 403 unless ``do_raise`` is false."""
    if target is None:
        target = {'project_id': context.project_id, 'user_id': context.user_id}
    creds = context.to_policy_values()
    try:
        return enforcer.authorize(action, target, creds, do_raise=do_raise,
                                  exc=exception.PolicyNotAuthorized, action=action)
    except policy.PolicyNotRegistered:
        raise exception.PolicyNotAuthorized(action=action)
