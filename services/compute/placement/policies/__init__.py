"""Placement policy defaults (oslo.policy, defaults in code).

As upstream placement: cloud administrators -- and, since placement serves
other services, callers holding the ``service`` role -- may use every
call.  One table; each row names the operations it guards.
"""

from oslo_policy import policy

from common import policy as common_policy

PREFIX = 'placement:'
ADMIN_OR_SERVICE = 'role:admin or role:service'

RP = '/resource_providers/{uuid}'

# (name, check, description, operations)
TABLE = [
    ('resource_providers:list', ADMIN_OR_SERVICE, 'List resource providers.',
     [('GET', '/resource_providers')]),
    ('resource_providers:show', ADMIN_OR_SERVICE, 'Show a resource provider.',
     [('GET', RP)]),
    ('resource_providers:inventories:list', ADMIN_OR_SERVICE,
     "List a resource provider's inventories.", [('GET', RP + '/inventories')]),
    ('resource_providers:inventories:show', ADMIN_OR_SERVICE,
     'Show one inventory of a resource provider.',
     [('GET', RP + '/inventories/{resource_class}')]),
    ('resource_providers:inventories:update', ADMIN_OR_SERVICE,
     "Replace or update a resource provider's inventories.",
     [('PUT', RP + '/inventories'), ('PUT', RP + '/inventories/{resource_class}')]),
    ('resource_providers:usages', ADMIN_OR_SERVICE, "Show a resource provider's usages.",
     [('GET', RP + '/usages')]),
    ('resource_providers:allocations:list', ADMIN_OR_SERVICE,
     'List the allocations against a resource provider.', [('GET', RP + '/allocations')]),
    ('resource_providers:traits:list', ADMIN_OR_SERVICE, "List a resource provider's traits.",
     [('GET', RP + '/traits')]),
    ('resource_providers:traits:update', ADMIN_OR_SERVICE,
     "Replace or remove a resource provider's traits.",
     [('PUT', RP + '/traits'), ('DELETE', RP + '/traits')]),
    ('resource_providers:aggregates:list', ADMIN_OR_SERVICE,
     "List a resource provider's aggregates.", [('GET', RP + '/aggregates')]),
    ('allocations:list', ADMIN_OR_SERVICE, "List a consumer's allocations.",
     [('GET', '/allocations/{consumer_uuid}')]),
    ('usages', ADMIN_OR_SERVICE, "Show a project's (or user's) usages.",
     [('GET', '/usages')]),
    ('allocation_candidates:list', ADMIN_OR_SERVICE, 'List allocation candidates.',
     [('GET', '/allocation_candidates')]),
    ('resource_classes:list', ADMIN_OR_SERVICE, 'List resource classes.',
     [('GET', '/resource_classes')]),
    ('resource_classes:show', ADMIN_OR_SERVICE, 'Show a resource class.',
     [('GET', '/resource_classes/{name}')]),
    ('resource_classes:create', ADMIN_OR_SERVICE, 'Create a custom resource class.',
     [('POST', '/resource_classes'), ('PUT', '/resource_classes/{name}')]),
    ('resource_classes:delete', ADMIN_OR_SERVICE, 'Delete a custom resource class.',
     [('DELETE', '/resource_classes/{name}')]),
    ('traits:list', ADMIN_OR_SERVICE, 'List traits.', [('GET', '/traits')]),
    ('traits:show', ADMIN_OR_SERVICE, 'Show a trait.', [('GET', '/traits/{name}')]),
    ('traits:update', ADMIN_OR_SERVICE, 'Create a custom trait.',
     [('PUT', '/traits/{name}')]),
    ('traits:delete', ADMIN_OR_SERVICE, 'Delete a custom trait.',
     [('DELETE', '/traits/{name}')]),
]

RULES = [policy.DocumentedRuleDefault(PREFIX + name, check, description,
                                      [{'method': m, 'path': p} for m, p in operations])
         for name, check, description, operations in TABLE]

_ENFORCER = None


def get_enforcer(conf):
    global _ENFORCER
    if _ENFORCER is None:
        _ENFORCER = common_policy.make_enforcer(conf, RULES)
    return _ENFORCER


def reset():
    global _ENFORCER
    _ENFORCER = None


def list_rules():
    return RULES


def authorize(context, name):
    from oslo_config import cfg
    return common_policy.authorize(get_enforcer(cfg.CONF), context, PREFIX + name)
