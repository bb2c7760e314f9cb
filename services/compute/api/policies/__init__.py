"""Compute policy defaults (oslo.policy, defaults in code)."""

from oslo_policy import policy

from common import policy as common_policy

ADMIN = 'rule:admin_api'
OWNER = 'rule:admin_or_member'
READER = 'rule:admin_or_reader'
ANY = '@'


def _rule(name, check, description):
    return policy.RuleDefault('os_compute_api:' + name, check, description)


RULES = [
    _rule('servers:create', 'role:member or role:admin', 'Create a server.'),
    _rule('servers:create:forced_host', ADMIN, 'Create a server on a named host.'),
    _rule('servers:index', READER, 'List servers.'),
    _rule('servers:index:get_all_tenants', ADMIN, "List every project's servers."),
    _rule('servers:show', READER, 'Show a server.'),
    _rule('servers:show:host_status', ADMIN, 'Show the host status of a server.'),
    _rule('os-extended-server-attributes', ADMIN, 'Show OS-EXT-SRV-ATTR fields.'),
    _rule('servers:update', OWNER, 'Update a server.'),
    _rule('servers:delete', OWNER, 'Delete a server.'),
    _rule('servers:action', OWNER, 'Run a server action.'),
    _rule('os-migrate-server:migrate', ADMIN, 'Cold migrate a server.'),
    _rule('os-evacuate', ADMIN, 'Evacuate a server.'),
    _rule('os-shelve:shelve', OWNER, 'Shelve a server.'),
    _rule('os-shelve:shelve_offload', ADMIN, 'Offload a shelved server from its host.'),
    _rule('os-shelve:unshelve', OWNER, 'Unshelve a server.'),
    _rule('os-lock-server:unlock:unlock_override', ADMIN,
          "Unlock a server locked by someone else."),
    _rule('os-attach-interfaces:list', READER, "List a server's port interfaces."),
    _rule('os-attach-interfaces:show', READER, 'Show a port interface of a server.'),
    _rule('os-attach-interfaces:create', OWNER, 'Attach a port interface to a server.'),
    _rule('os-attach-interfaces:delete', OWNER, 'Detach a port interface from a server.'),
    _rule('servers:metadata', OWNER, 'Manage server metadata.'),
    _rule('os-server-tags', OWNER, 'Manage server tags.'),
    _rule('os-instance-actions', READER, 'List and show instance actions.'),
    _rule('os-instance-actions:events:details', ADMIN, 'See event tracebacks and hosts.'),
    _rule('os-flavor-manage', ADMIN, 'Create, update and delete flavors.'),
    _rule('os-flavor-access', ADMIN, 'Manage private flavor access.'),
    _rule('os-keypairs', ANY, 'Manage your own key pairs.'),
    _rule('os-keypairs:other_user', ADMIN, "Manage another user's key pairs."),
    _rule('os-services', ADMIN, 'List and manage compute services.'),
    _rule('os-hypervisors', ADMIN, 'List hypervisors.'),
    _rule('os-availability-zone:list', ANY, 'List availability zones.'),
    _rule('os-availability-zone:detail', ADMIN, 'List zones with hosts.'),
    _rule('os-aggregates', ADMIN, 'Manage host aggregates.'),
    _rule('os-quota-sets:show', READER, 'Show quotas.'),
    _rule('os-quota-sets:update', ADMIN, 'Update quotas.'),
    _rule('os-server-groups', 'role:member or role:admin or role:reader',
          'Manage server groups.'),
    _rule('os-server-groups:index:all_projects', ADMIN, "List every project's groups."),
    _rule('limits', ANY, 'Show limits.'),
    _rule('os-simple-tenant-usage:list', ADMIN, "List every project's usage."),
    _rule('os-simple-tenant-usage:show', READER, "Show a project's usage."),
]

_ENFORCER = None


def get_enforcer(conf):
    global _ENFORCER
    if _ENFORCER is None:
        _ENFORCER = common_policy.make_enforcer(conf, RULES)
    return _ENFORCER


def reset():
    global _ENFORCER
    _ENFORCER = None


def authorize(context, name, target=None, do_raise=True):
    from oslo_config import cfg
    return common_policy.authorize(get_enforcer(cfg.CONF), context, 'os_compute_api:' + name,
                                   target=target, do_raise=do_raise)
