"""Compute policy defaults (oslo.policy, defaults in code).

One table, nova's default personas:

* ``READER``: a reader of the project that owns the target (or an admin);
* ``MEMBER``: a member of that project (or an admin) -- every write;
* ``ADMIN``: cloud administrators only (hosts, flavors, aggregates, quotas,
  other projects);
* ``OWNER_USER``: the user that owns the target (key pairs belong to a user,
  not to a project), or an admin;
* ``SERVICE``: other services' users (keystone's ``service`` role) or an
  admin;
* ``ANY``: any authenticated caller.

Keystone's role chain (admin implies member implies reader) is what lets a
member read.  Each row lists the operations it guards, so a test can prove
every route of the API is covered by a rule.  Targets default to the
caller's own project and user; controllers pass the resource's owner.
"""

from oslo_policy import policy

from common import policy as common_policy

PREFIX = 'os_compute_api:'
ADMIN = 'rule:admin_api'
MEMBER = 'rule:admin_or_member'
READER = 'rule:admin_or_reader'
OWNER_USER = 'rule:admin_api or user_id:%(user_id)s'
SERVICE = 'rule:admin_api or role:service'
ANY = '@'

S = '/servers/{server_id}'
ACTION = ('POST', S + '/action')

# (name, check, description, operations)
TABLE = [
    # -- servers ---------------------------------------------------------------
    ('servers:index', READER, 'List servers.', [('GET', '/servers')]),
    ('servers:detail', READER, 'List servers with details.', [('GET', '/servers/detail')]),
    ('servers:index:get_all_tenants', ADMIN, "List every project's servers.",
     [('GET', '/servers'), ('GET', '/servers/detail')]),
    ('servers:allow_all_filters', ADMIN, 'Filter server lists by host, node, user, '
                                         'zone or deleted.', [('GET', '/servers')]),
    ('servers:show', READER, 'Show a server.', [('GET', S)]),
    ('servers:show:host_status', ADMIN, 'Show the host status of a server.', [('GET', S)]),
    ('os-extended-server-attributes', ADMIN, 'Show OS-EXT-SRV-ATTR fields.', [('GET', S)]),
    ('servers:create', MEMBER, 'Create a server.', [('POST', '/servers')]),
    ('servers:create:forced_host', ADMIN, 'Create a server on a named host.',
     [('POST', '/servers')]),
    ('servers:create:requested_destination', ADMIN, 'Create a server on a requested host '
                                                    'or hypervisor (2.74).',
     [('POST', '/servers')]),
    ('servers:create:any_server_group', ADMIN, "Put a server into another project's "
                                               'server group.', [('POST', '/servers')]),
    ('servers:update', MEMBER, 'Update a server.', [('PUT', S)]),
    ('servers:delete', MEMBER, 'Delete a server.', [('DELETE', S)]),
    # -- server actions (POST /servers/{id}/action, one rule per action) ---------
    ('servers:reboot', MEMBER, 'Reboot a server.', [ACTION]),
    ('servers:resize', MEMBER, 'Resize a server.', [ACTION]),
    ('servers:confirm_resize', MEMBER, 'Confirm a resize.', [ACTION]),
    ('servers:revert_resize', MEMBER, 'Revert a resize.', [ACTION]),
    ('servers:rebuild', MEMBER, 'Rebuild a server.', [ACTION]),
    ('servers:create_image', MEMBER, 'Snapshot a server into an image.', [ACTION]),
    ('os-create-backup', MEMBER, 'Back a server up into a rotated image.', [ACTION]),
    ('servers:start', MEMBER, 'Start a server.', [ACTION]),
    ('servers:stop', MEMBER, 'Stop a server.', [ACTION]),
    ('os-pause-server:pause', MEMBER, 'Pause a server.', [ACTION]),
    ('os-pause-server:unpause', MEMBER, 'Unpause a server.', [ACTION]),
    ('os-suspend-server:suspend', MEMBER, 'Suspend a server.', [ACTION]),
    ('os-suspend-server:resume', MEMBER, 'Resume a server.', [ACTION]),
    ('os-rescue', MEMBER, 'Rescue a server.', [ACTION]),
    ('os-unrescue', MEMBER, 'Unrescue a server.', [ACTION]),
    ('os-lock-server:lock', MEMBER, 'Lock a server.', [ACTION]),
    ('os-lock-server:unlock', MEMBER, 'Unlock a server.', [ACTION]),
    ('os-lock-server:unlock:unlock_override', ADMIN,
     'Unlock a server locked by an administrator.', [ACTION]),
    ('os-console-output', MEMBER, "Read a server's console output.", [ACTION]),
    ('os-remote-consoles', MEMBER, "Get a URL of a server's graphical console.",
     [ACTION, ('POST', S + '/remote-consoles')]),
    ('os-deferred-delete:force', MEMBER, 'Force-delete a server.', [ACTION]),
    ('os-deferred-delete:restore', MEMBER, 'Restore a soft-deleted server.', [ACTION]),
    ('os-security-groups:add', MEMBER, 'Add a security group to a server.', [ACTION]),
    ('os-security-groups:remove', MEMBER, 'Remove a security group from a server.',
     [ACTION]),
    ('os-floating-ips:add', MEMBER, 'Associate a floating IP with a server (up to 2.43).',
     [ACTION]),
    ('os-floating-ips:remove', MEMBER, 'Disassociate a floating IP from a server (up to '
                                       '2.43).', [ACTION]),
    ('os-multinic:add', MEMBER, 'Add a fixed IP to a server (up to 2.43).', [ACTION]),
    ('os-multinic:remove', MEMBER, 'Remove a fixed IP from a server (up to 2.43).', [ACTION]),
    ('os-shelve:shelve', MEMBER, 'Shelve a server.', [ACTION]),
    ('os-shelve:shelve_offload', ADMIN, 'Offload a shelved server from its host.', [ACTION]),
    ('os-shelve:unshelve', MEMBER, 'Unshelve a server.', [ACTION]),
    ('os-shelve:unshelve_to_host', ADMIN, 'Unshelve a server to a named host (2.91).',
     [ACTION]),
    ('os-migrate-server:migrate', ADMIN, 'Cold migrate a server.', [ACTION]),
    ('os-evacuate', ADMIN, 'Evacuate a server from a failed host.', [ACTION]),
    ('os-admin-actions:reset_state', ADMIN, "Reset a server's state.", [ACTION]),
    # -- server sub-resources ------------------------------------------------------
    ('os-attach-interfaces:list', READER, "List a server's port interfaces.",
     [('GET', S + '/os-interface')]),
    ('os-attach-interfaces:show', READER, 'Show a port interface of a server.',
     [('GET', S + '/os-interface/{port_id}')]),
    ('os-attach-interfaces:create', MEMBER, 'Attach a port interface to a server.',
     [('POST', S + '/os-interface')]),
    ('os-attach-interfaces:delete', MEMBER, 'Detach a port interface from a server.',
     [('DELETE', S + '/os-interface/{port_id}')]),
    ('os-volumes-attachments:index', READER, "List a server's volume attachments.",
     [('GET', S + '/os-volume_attachments')]),
    ('os-volumes-attachments:show', READER, 'Show a volume attachment of a server.',
     [('GET', S + '/os-volume_attachments/{volume_id}')]),
    ('os-volumes-attachments:create', MEMBER, 'Attach a volume to a server.',
     [('POST', S + '/os-volume_attachments')]),
    ('os-volumes-attachments:update', MEMBER, "Update a volume attachment's fields.",
     [('PUT', S + '/os-volume_attachments/{volume_id}')]),
    ('os-volumes-attachments:swap', ADMIN, 'Swap the volume of an attachment.',
     [('PUT', S + '/os-volume_attachments/{volume_id}')]),
    ('os-volumes-attachments:delete', MEMBER, 'Detach a volume from a server.',
     [('DELETE', S + '/os-volume_attachments/{volume_id}')]),
    ('server-metadata:index', READER, "List a server's metadata.",
     [('GET', S + '/metadata')]),
    ('server-metadata:show', READER, 'Show a server metadata item.',
     [('GET', S + '/metadata/{key}')]),
    ('server-metadata:create', MEMBER, 'Add server metadata.', [('POST', S + '/metadata')]),
    ('server-metadata:update_all', MEMBER, 'Replace server metadata.',
     [('PUT', S + '/metadata')]),
    ('server-metadata:update', MEMBER, 'Set a server metadata item.',
     [('PUT', S + '/metadata/{key}')]),
    ('server-metadata:delete', MEMBER, 'Delete a server metadata item.',
     [('DELETE', S + '/metadata/{key}')]),
    ('os-server-tags:index', READER, "List a server's tags.", [('GET', S + '/tags')]),
    ('os-server-tags:show', READER, 'Check a server tag.', [('GET', S + '/tags/{tag}')]),
    ('os-server-tags:update_all', MEMBER, 'Replace server tags.', [('PUT', S + '/tags')]),
    ('os-server-tags:update', MEMBER, 'Add a server tag.', [('PUT', S + '/tags/{tag}')]),
    ('os-server-tags:delete_all', MEMBER, 'Delete all server tags.',
     [('DELETE', S + '/tags')]),
    ('os-server-tags:delete', MEMBER, 'Delete a server tag.',
     [('DELETE', S + '/tags/{tag}')]),
    ('ips:index', READER, "List a server's addresses.", [('GET', S + '/ips')]),
    ('ips:show', READER, "List a server's addresses on one network.",
     [('GET', S + '/ips/{network}')]),
    ('os-instance-actions:list', READER, "List a server's actions.",
     [('GET', S + '/os-instance-actions')]),
    ('os-instance-actions:show', READER, 'Show a server action and its events.',
     [('GET', S + '/os-instance-actions/{request_id}')]),
    ('os-instance-actions:events:details', ADMIN, 'See event tracebacks.',
     [('GET', S + '/os-instance-actions/{request_id}')]),
    ('servers:migrations:index', ADMIN, "List a server's in-progress live migrations.",
     [('GET', S + '/migrations')]),
    ('servers:migrations:show', ADMIN, "Show a server's in-progress live migration.",
     [('GET', S + '/migrations/{migration_id}')]),
    ('servers:migrations:delete', ADMIN, "Abort a server's live migration.",
     [('DELETE', S + '/migrations/{migration_id}')]),
    ('servers:migrations:force_complete', ADMIN, "Force a server's live migration to "
                                                 'complete.',
     [('POST', S + '/migrations/{migration_id}/action')]),
    ('compute:server:topology:index', READER, "Show a server's NUMA topology (2.78).",
     [('GET', S + '/topology')]),
    ('os-server-password:show', READER, "Show a server's encrypted admin password.",
     [('GET', S + '/os-server-password')]),
    ('os-server-password:clear', MEMBER, "Clear a server's encrypted admin password.",
     [('DELETE', S + '/os-server-password')]),
    ('os-security-groups:list', READER, "List a server's security groups.",
     [('GET', S + '/os-security-groups')]),
    # -- server groups ----------------------------------------------------------
    ('os-server-groups:index', READER, "List the project's server groups.",
     [('GET', '/os-server-groups')]),
    ('os-server-groups:index:all_projects', ADMIN, "List every project's server groups.",
     [('GET', '/os-server-groups')]),
    ('os-server-groups:show', READER, 'Show a server group.',
     [('GET', '/os-server-groups/{group_id}')]),
    ('os-server-groups:create', MEMBER, 'Create a server group.',
     [('POST', '/os-server-groups')]),
    ('os-server-groups:delete', MEMBER, 'Delete a server group.',
     [('DELETE', '/os-server-groups/{group_id}')]),
    # -- key pairs (owned by a user) -----------------------------------------------
    ('os-keypairs:index', OWNER_USER, "List a user's key pairs.", [('GET', '/os-keypairs')]),
    ('os-keypairs:show', OWNER_USER, 'Show a key pair.', [('GET', '/os-keypairs/{name}')]),
    ('os-keypairs:create', OWNER_USER, 'Create or import a key pair.',
     [('POST', '/os-keypairs')]),
    ('os-keypairs:delete', OWNER_USER, 'Delete a key pair.',
     [('DELETE', '/os-keypairs/{name}')]),
    # -- flavors (list and show need only authentication) ----------------------------
    ('flavors:index', ANY, 'List flavors.',
     [('GET', '/flavors'), ('GET', '/flavors/detail')]),
    ('flavors:show', ANY, 'Show a flavor.', [('GET', '/flavors/{flavor_id}')]),
    ('os-flavor-manage:create', ADMIN, 'Create a flavor.', [('POST', '/flavors')]),
    ('os-flavor-manage:update', ADMIN, "Update a flavor's description (2.55).",
     [('PUT', '/flavors/{flavor_id}')]),
    ('os-flavor-manage:delete', ADMIN, 'Delete a flavor.',
     [('DELETE', '/flavors/{flavor_id}')]),
    ('os-flavor-access', ADMIN, "List a private flavor's projects.",
     [('GET', '/flavors/{flavor_id}/os-flavor-access')]),
    ('os-flavor-access:add_tenant_access', ADMIN, 'Share a private flavor.',
     [('POST', '/flavors/{flavor_id}/action')]),
    ('os-flavor-access:remove_tenant_access', ADMIN, 'Unshare a private flavor.',
     [('POST', '/flavors/{flavor_id}/action')]),
    ('os-flavor-extra-specs:index', READER, "List a flavor's extra specs.",
     [('GET', '/flavors/{flavor_id}/os-extra_specs')]),
    ('os-flavor-extra-specs:show', READER, 'Show a flavor extra spec.',
     [('GET', '/flavors/{flavor_id}/os-extra_specs/{key}')]),
    ('os-flavor-extra-specs:create', ADMIN, 'Add flavor extra specs.',
     [('POST', '/flavors/{flavor_id}/os-extra_specs')]),
    ('os-flavor-extra-specs:update', ADMIN, 'Set a flavor extra spec.',
     [('PUT', '/flavors/{flavor_id}/os-extra_specs/{key}')]),
    ('os-flavor-extra-specs:delete', ADMIN, 'Delete a flavor extra spec.',
     [('DELETE', '/flavors/{flavor_id}/os-extra_specs/{key}')]),
    # -- hosts: services, hypervisors, zones, aggregates ----------------------------
    ('os-services:list', ADMIN, 'List compute services.', [('GET', '/os-services')]),
    ('os-services:update', ADMIN, 'Enable, disable or force down a service.',
     [('PUT', '/os-services/{service_id}')]),
    ('os-services:delete', ADMIN, 'Delete a service.',
     [('DELETE', '/os-services/{service_id}')]),
    ('os-hosts:list', ADMIN, 'List hosts (up to 2.42).', [('GET', '/os-hosts')]),
    ('os-hosts:show', ADMIN, "Show a host's resources (up to 2.42).",
     [('GET', '/os-hosts/{host_name}')]),
    ('os-hosts:update', ADMIN, 'Enable or disable a host (up to 2.42).',
     [('PUT', '/os-hosts/{host_name}')]),
    ('os-hosts:start', ADMIN, 'Start a host (up to 2.42; not implemented).',
     [('GET', '/os-hosts/{host_name}/startup')]),
    ('os-hosts:shutdown', ADMIN, 'Shut a host down (up to 2.42; not implemented).',
     [('GET', '/os-hosts/{host_name}/shutdown')]),
    ('os-hosts:reboot', ADMIN, 'Reboot a host (up to 2.42; not implemented).',
     [('GET', '/os-hosts/{host_name}/reboot')]),
    ('os-migrations:index', ADMIN, 'List migrations.', [('GET', '/os-migrations')]),
    ('os-hypervisors:list', ADMIN, 'List hypervisors.', [('GET', '/os-hypervisors')]),
    ('os-hypervisors:list-detail', ADMIN, 'List hypervisors with details.',
     [('GET', '/os-hypervisors/detail')]),
    ('os-hypervisors:statistics', ADMIN, 'Hypervisor statistics.',
     [('GET', '/os-hypervisors/statistics')]),
    ('os-hypervisors:show', ADMIN, 'Show a hypervisor.',
     [('GET', '/os-hypervisors/{hypervisor_id}')]),
    ('os-hypervisors:uptime', ADMIN, "Show a hypervisor's uptime.",
     [('GET', '/os-hypervisors/{hypervisor_id}/uptime')]),
    ('os-hypervisors:search', ADMIN, 'Search hypervisors by name.',
     [('GET', '/os-hypervisors/{pattern}/search')]),
    ('os-hypervisors:servers', ADMIN, "List a hypervisor's servers.",
     [('GET', '/os-hypervisors/{hypervisor_id}/servers')]),
    ('os-availability-zone:list', READER, 'List availability zones.',
     [('GET', '/os-availability-zone')]),
    ('os-availability-zone:detail', ADMIN, 'List zones with their hosts.',
     [('GET', '/os-availability-zone/detail')]),
    ('os-aggregates:index', ADMIN, 'List aggregates.', [('GET', '/os-aggregates')]),
    ('os-aggregates:create', ADMIN, 'Create an aggregate.', [('POST', '/os-aggregates')]),
    ('os-aggregates:show', ADMIN, 'Show an aggregate.',
     [('GET', '/os-aggregates/{aggregate_id}')]),
    ('os-aggregates:update', ADMIN, 'Update an aggregate.',
     [('PUT', '/os-aggregates/{aggregate_id}')]),
    ('os-aggregates:delete', ADMIN, 'Delete an aggregate.',
     [('DELETE', '/os-aggregates/{aggregate_id}')]),
    ('os-aggregates:add_host', ADMIN, 'Add a host to an aggregate.',
     [('POST', '/os-aggregates/{aggregate_id}/action')]),
    ('os-aggregates:remove_host', ADMIN, 'Remove a host from an aggregate.',
     [('POST', '/os-aggregates/{aggregate_id}/action')]),
    ('os-aggregates:set_metadata', ADMIN, "Set an aggregate's metadata.",
     [('POST', '/os-aggregates/{aggregate_id}/action')]),
    # -- image proxy (up to 2.35, metadata up to 2.38): the image service
    # decides with the caller's own token, as behind nova's proxy ---------------
    ('images:index', ANY, 'List images through the compute API.',
     [('GET', '/images'), ('GET', '/images/detail')]),
    ('images:show', ANY, 'Show an image through the compute API.',
     [('GET', '/images/{image_id}')]),
    ('images:delete', ANY, 'Delete an image through the compute API.',
     [('DELETE', '/images/{image_id}'), ('DELETE', '/images')]),
    ('images:metadata:index', ANY, "List an image's metadata.",
     [('GET', '/images/{image_id}/metadata')]),
    ('images:metadata:create', ANY, 'Add image metadata.',
     [('POST', '/images/{image_id}/metadata')]),
    ('images:metadata:update_all', ANY, 'Replace image metadata.',
     [('PUT', '/images/{image_id}/metadata')]),
    ('images:metadata:show', ANY, 'Show an image metadata item.',
     [('GET', '/images/{image_id}/metadata/{key}')]),
    ('images:metadata:update', ANY, 'Set an image metadata item.',
     [('PUT', '/images/{image_id}/metadata/{key}')]),
    ('images:metadata:delete', ANY, 'Delete an image metadata item.',
     [('DELETE', '/images/{image_id}/metadata/{key}')]),
    # -- network proxies (up to 2.35): the network service decides with the
    # caller's own token what the caller's project sees and may change ---------
    ('os-security-groups:get', READER, "List the project's security groups.",
     [('GET', '/os-security-groups')]),
    ('os-security-groups:show', READER, 'Show a security group.',
     [('GET', '/os-security-groups/{security_group_id}')]),
    ('os-security-groups:create', MEMBER, 'Create a security group.',
     [('POST', '/os-security-groups')]),
    ('os-security-groups:update', MEMBER, 'Update a security group.',
     [('PUT', '/os-security-groups/{security_group_id}')]),
    ('os-security-groups:delete', MEMBER, 'Delete a security group.',
     [('DELETE', '/os-security-groups/{security_group_id}')]),
    ('os-security-groups:rule:create', MEMBER, 'Create a security group rule.',
     [('POST', '/os-security-group-rules')]),
    ('os-security-groups:rule:delete', MEMBER, 'Delete a security group rule.',
     [('DELETE', '/os-security-group-rules/{security_group_id}')]),
    ('os-floating-ips:list', READER, "List the project's floating IPs.",
     [('GET', '/os-floating-ips')]),
    ('os-floating-ips:show', READER, 'Show a floating IP.',
     [('GET', '/os-floating-ips/{floating_ip_id}')]),
    ('os-floating-ips:create', MEMBER, 'Allocate a floating IP.',
     [('POST', '/os-floating-ips')]),
    ('os-floating-ips:delete', MEMBER, 'Release a floating IP.',
     [('DELETE', '/os-floating-ips/{floating_ip_id}')]),
    ('os-floating-ip-pools', ANY, 'List floating IP pools.',
     [('GET', '/os-floating-ip-pools')]),
    ('os-networks:list', READER, 'List networks.', [('GET', '/os-networks')]),
    ('os-networks:view', READER, 'Show a network.', [('GET', '/os-networks/{network_id}')]),
    ('os-tenant-networks:list', READER, "List the project's networks.",
     [('GET', '/os-tenant-networks')]),
    ('os-tenant-networks:show', READER, 'Show a project network.',
     [('GET', '/os-tenant-networks/{network_id}')]),
    # -- volume proxies (up to 2.35): the volume service decides with the
    # caller's own token what the caller's project sees and may change -----------
    ('os-volumes:list', READER, "List the project's volumes.", [('GET', '/os-volumes')]),
    ('os-volumes:detail', READER, "List the project's volumes with details.",
     [('GET', '/os-volumes/detail')]),
    ('os-volumes:show', READER, 'Show a volume.', [('GET', '/os-volumes/{volume_id}')]),
    ('os-volumes:create', MEMBER, 'Create a volume.', [('POST', '/os-volumes')]),
    ('os-volumes:delete', MEMBER, 'Delete a volume.',
     [('DELETE', '/os-volumes/{volume_id}')]),
    ('os-volumes:snapshots:list', READER, "List the project's volume snapshots.",
     [('GET', '/os-snapshots')]),
    ('os-volumes:snapshots:detail', READER,
     "List the project's volume snapshots with details.", [('GET', '/os-snapshots/detail')]),
    ('os-volumes:snapshots:show', READER, 'Show a volume snapshot.',
     [('GET', '/os-snapshots/{snapshot_id}')]),
    ('os-volumes:snapshots:create', MEMBER, 'Create a volume snapshot.',
     [('POST', '/os-snapshots')]),
    ('os-volumes:snapshots:delete', MEMBER, 'Delete a volume snapshot.',
     [('DELETE', '/os-snapshots/{snapshot_id}')]),
    # -- other services -----------------------------------------------------------
    ('os-server-external-events:create', SERVICE,
     'Send events about servers (network-vif-plugged, ...) to their compute hosts.',
     [('POST', '/os-server-external-events')]),
    # nova's defaults: the service role (the volume service's user drives
    # these for its remotefs backends); an admin too, as Tempest's caller.
    ('os-assisted-volume-snapshots:create', SERVICE,
     'Create an assisted volume snapshot (the volume service asks).',
     [('POST', '/os-assisted-volume-snapshots')]),
    ('os-assisted-volume-snapshots:delete', SERVICE,
     'Delete an assisted volume snapshot (the volume service asks).',
     [('DELETE', '/os-assisted-volume-snapshots/{snapshot_id}')]),
    ('extensions', ANY, "List nova's legacy API extensions.",
     [('GET', '/extensions'), ('GET', '/extensions/{alias}')]),
    # -- quotas, limits, usage ------------------------------------------------------
    ('limits', ANY, "Show the caller's project limits.", [('GET', '/limits')]),
    ('limits:other_project', ADMIN, "Show another project's limits.", [('GET', '/limits')]),
    ('os-quota-sets:show', READER, "Show a project's quotas.",
     [('GET', '/os-quota-sets/{project_id}')]),
    ('os-quota-sets:detail', READER, "Show a project's quotas and usage.",
     [('GET', '/os-quota-sets/{project_id}/detail')]),
    ('os-quota-sets:defaults', ANY, 'Show the default quotas.',
     [('GET', '/os-quota-sets/{project_id}/defaults')]),
    ('os-quota-sets:update', ADMIN, "Update a project's quotas.",
     [('PUT', '/os-quota-sets/{project_id}')]),
    ('os-quota-sets:delete', ADMIN, "Reset a project's quotas.",
     [('DELETE', '/os-quota-sets/{project_id}')]),
    ('os-quota-class-sets:show', ADMIN, 'Show a quota class.',
     [('GET', '/os-quota-class-sets/{class_name}')]),
    ('os-quota-class-sets:update', ADMIN, 'Update a quota class (default: every '
                                          "project's defaults).",
     [('PUT', '/os-quota-class-sets/{class_name}')]),
    ('os-simple-tenant-usage:list', ADMIN, "List every project's usage.",
     [('GET', '/os-simple-tenant-usage')]),
    ('os-simple-tenant-usage:show', READER, "Show a project's usage.",
     [('GET', '/os-simple-tenant-usage/{tenant_id}')]),
    # -- guest diagnostics and administration, usage audit -------------------------
    ('os-server-diagnostics', ADMIN, "Show a running server's diagnostics.",
     [('GET', S + '/diagnostics')]),
    ('os-admin-password', MEMBER, "Change a server's administrator password.", [ACTION]),
    ('os-admin-actions:inject_network_info', ADMIN,
     "Refresh a server's network info from the network service.", [ACTION]),
    ('os-instance-usage-audit-log:list', ADMIN,
     'Show the instance usage audit of the last completed period.',
     [('GET', '/os-instance_usage_audit_log')]),
    ('os-instance-usage-audit-log:show', ADMIN,
     'Show the instance usage audit of the last period completed before a time.',
     [('GET', '/os-instance_usage_audit_log/{before_timestamp}')]),
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


def authorize(context, name, target=None, do_raise=True):
    """Enforce ``os_compute_api:<name>``; ``target`` names the owner of the
    resource (``project_id`` and/or ``user_id``), the caller's by default."""
    from oslo_config import cfg
    if target is not None:
        target = dict({'project_id': context.project_id, 'user_id': context.user_id},
                      **target)
    return common_policy.authorize(get_enforcer(cfg.CONF), context, PREFIX + name,
                                   target=target, do_raise=do_raise)
