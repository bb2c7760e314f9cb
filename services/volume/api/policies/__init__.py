"""Volume policy defaults (oslo.policy, defaults in code), cinder's personas:

* ``READER``: a reader of the project that owns the target, or an admin;
* ``MEMBER``: a member of that project, or an admin -- every write;
* ``ADMIN``: cloud administrators (types, services, quotas, reset/force);
* ``ANY``: any authenticated caller.

Rule names are cinder's.  Each row lists the operations it guards, so a test
can prove every route is covered.  Targets default to the caller's project;
controllers pass the resource's owner.
"""

from oslo_policy import policy

from common import policy as common_policy

ADMIN = 'rule:admin_api'
MEMBER = 'rule:admin_or_member'
READER = 'rule:admin_or_reader'
ANY = '@'

V = '/volumes/{volume_id}'
VA = ('POST', V + '/action')
S = '/snapshots/{snapshot_id}'
T = '/types/{type_id}'
A = '/attachments/{attachment_id}'
Q = '/qos-specs/{qos_id}'
TRANSFERS = ('/os-volume-transfer', '/volume-transfers')

# (name, check, description, operations)
TABLE = [
    # -- volumes ---------------------------------------------------------------------
    ('volume:create', MEMBER, 'Create a volume.', [('POST', '/volumes')]),
    ('volume:create_from_image', MEMBER, 'Create a volume from an image.',
     [('POST', '/volumes')]),
    ('volume:get', READER, 'Show a volume.', [('GET', V)]),
    ('volume:get_all', READER, 'List volumes.',
     [('GET', '/volumes'), ('GET', '/volumes/detail')]),
    ('volume_extension:volume_tenant_attribute', READER,
     'Show the owning project of a volume.', [('GET', V)]),
    ('volume_extension:volume_host_attribute', ADMIN, 'Show the backend of a volume.',
     [('GET', V)]),
    ('volume:get_all_tenants', ADMIN, "List every project's volumes (all_tenants).",
     [('GET', '/volumes'), ('GET', '/volumes/detail')]),
    ('volume:update', MEMBER, 'Update a volume.', [('PUT', V)]),
    ('volume:delete', MEMBER, 'Delete a volume.', [('DELETE', V)]),
    ('volume:extend', MEMBER, 'Extend a volume (os-extend).', [VA]),
    ('volume_extension:volume_actions:upload_image', MEMBER, 'Upload a volume to an image.',
     [VA]),
    ('volume_extension:volume_actions:upload_public', ADMIN,
     'Upload a volume to a public image.', [VA]),
    ('volume:reimage', MEMBER,
     'Write an image over an available or error volume (os-reimage, 3.68).', [VA]),
    ('volume:reimage_reserved', MEMBER,
     'Write an image over a reserved volume (os-reimage with reimage_reserved: '
     "compute's rebuild of a volume-backed server).", [VA]),
    ('volume:retype', MEMBER, 'Change the type of a volume (os-retype).', [VA]),
    ('volume:update_readonly_flag', MEMBER, 'Set the read-only flag (os-update_readonly_flag).',
     [VA]),
    ('volume_extension:volume_actions:set_bootable', MEMBER, 'Set the bootable flag.', [VA]),
    ('volume_extension:volume_admin_actions:reset_status', ADMIN,
     'Reset the status of a volume.', [VA]),
    ('volume_extension:volume_admin_actions:force_delete', ADMIN, 'Force-delete a volume.',
     [VA]),
    ('volume_extension:volume_admin_actions:migrate_volume_completion', ADMIN,
     'Complete the swap or migration of a volume (os-migrate_volume_completion).', [VA]),
    ('volume:get_volume_metadata', READER, "Show a volume's metadata.",
     [('GET', V + '/metadata'), ('GET', V + '/metadata/{key}')]),
    ('volume:create_volume_metadata', MEMBER, "Add to a volume's metadata.",
     [('POST', V + '/metadata')]),
    ('volume:update_volume_metadata', MEMBER, "Replace a volume's metadata.",
     [('PUT', V + '/metadata'), ('PUT', V + '/metadata/{key}')]),
    ('volume:delete_volume_metadata', MEMBER, "Delete a volume's metadata key.",
     [('DELETE', V + '/metadata/{key}')]),
    # -- snapshots ---------------------------------------------------------------------
    ('volume:create_snapshot', MEMBER, 'Create a snapshot.', [('POST', '/snapshots')]),
    ('volume:get_snapshot', READER, 'Show a snapshot.', [('GET', S)]),
    ('volume:get_all_snapshots', READER, 'List snapshots.',
     [('GET', '/snapshots'), ('GET', '/snapshots/detail')]),
    ('volume_extension:extended_snapshot_attributes', READER,
     'Show the project and progress of snapshots.', [('GET', S)]),
    ('volume:update_snapshot', MEMBER, 'Update a snapshot.', [('PUT', S)]),
    ('volume:delete_snapshot', MEMBER, 'Delete a snapshot.', [('DELETE', S)]),
    ('volume:get_snapshot_metadata', READER, "Show a snapshot's metadata.",
     [('GET', S + '/metadata'), ('GET', S + '/metadata/{key}')]),
    ('volume:update_snapshot_metadata', MEMBER, "Change a snapshot's metadata.",
     [('POST', S + '/metadata'), ('PUT', S + '/metadata'), ('PUT', S + '/metadata/{key}')]),
    ('volume:delete_snapshot_metadata', MEMBER, "Delete a snapshot's metadata key.",
     [('DELETE', S + '/metadata/{key}')]),
    ('volume_extension:snapshot_admin_actions:reset_status', ADMIN,
     'Reset the status of a snapshot.', [('POST', S + '/action')]),
    ('volume_extension:snapshot_admin_actions:force_delete', ADMIN,
     'Force-delete a snapshot.', [('POST', S + '/action')]),
    ('snapshot_extension:snapshot_actions:update_snapshot_status', MEMBER,
     "Report a snapshot's status and progress (os-update_snapshot_status: compute's "
     'assisted snapshots).', [('POST', S + '/action')]),
    # -- volume types ----------------------------------------------------------------------
    ('volume_extension:type_get', ANY, 'Show a volume type.', [('GET', T)]),
    ('volume_extension:type_get_all', ANY, 'List volume types.',
     [('GET', '/types'), ('GET', '/types/default')]),
    ('volume_extension:types_manage', ADMIN, 'Create, update and delete volume types.',
     [('POST', '/types'), ('PUT', T), ('DELETE', T)]),
    ('volume_extension:types_extra_specs:index', ANY, "List a type's extra specs.",
     [('GET', T + '/extra_specs')]),
    ('volume_extension:types_extra_specs:show', ANY, "Show a type's extra spec.",
     [('GET', T + '/extra_specs/{key}')]),
    ('volume_extension:types_extra_specs:create', ADMIN, "Add a type's extra specs.",
     [('POST', T + '/extra_specs')]),
    ('volume_extension:types_extra_specs:update', ADMIN, "Change a type's extra spec.",
     [('PUT', T + '/extra_specs/{key}')]),
    ('volume_extension:types_extra_specs:delete', ADMIN, "Delete a type's extra spec.",
     [('DELETE', T + '/extra_specs/{key}')]),
    ('volume_extension:volume_type_access', ANY,
     'Show the is_public field of volume types.', [('GET', T)]),
    ('volume_extension:volume_type_access:addProjectAccess', ADMIN,
     'Give a project access to a private type.', [('POST', T + '/action')]),
    ('volume_extension:volume_type_access:removeProjectAccess', ADMIN,
     "Take a project's access to a private type.", [('POST', T + '/action')]),
    ('volume_extension:volume_type_access:get_all_for_type', ADMIN,
     'List the projects with access to a private type.',
     [('GET', T + '/os-volume-type-access')]),
    # -- services, zones, limits, quotas ---------------------------------------------------
    ('volume_extension:services:index', ADMIN, 'List volume services.',
     [('GET', '/os-services')]),
    ('volume_extension:extensions:index', ANY, 'List the API extensions.',
     [('GET', '/extensions')]),
    ('volume_extension:hosts', ADMIN, 'List the volume hosts.', [('GET', '/os-hosts')]),
    ('volume_extension:availability_zone_list', ANY, 'List availability zones.',
     [('GET', '/os-availability-zone')]),
    ('limits_extension:used_limits', READER, "Show the project's limits and usage.",
     [('GET', '/limits')]),
    ('volume_extension:quotas:show', READER, "Show a project's quotas.",
     [('GET', '/os-quota-sets/{project_id}')]),
    ('volume_extension:quotas:defaults', ANY, 'Show the default quotas.',
     [('GET', '/os-quota-sets/{project_id}/defaults')]),
    ('volume_extension:quotas:update', ADMIN, "Update a project's quotas.",
     [('PUT', '/os-quota-sets/{project_id}')]),
    ('volume_extension:quotas:delete', ADMIN, "Reset a project's quotas to the defaults.",
     [('DELETE', '/os-quota-sets/{project_id}')]),
    # -- QoS specs ------------------------------------------------------------------------
    ('volume_extension:qos_specs_manage:create', ADMIN, 'Create QoS specs.',
     [('POST', '/qos-specs')]),
    ('volume_extension:qos_specs_manage:get', ADMIN, 'Show QoS specs and their associations.',
     [('GET', Q), ('GET', Q + '/associations')]),
    ('volume_extension:qos_specs_manage:get_all', ADMIN, 'List QoS specs.',
     [('GET', '/qos-specs')]),
    ('volume_extension:qos_specs_manage:update', ADMIN,
     'Set or unset QoS spec keys; associate and disassociate types.',
     [('PUT', Q), ('PUT', Q + '/delete_keys'), ('GET', Q + '/associate'),
      ('GET', Q + '/disassociate'), ('GET', Q + '/disassociate_all')]),
    ('volume_extension:qos_specs_manage:delete', ADMIN, 'Delete QoS specs.',
     [('DELETE', Q)]),
    # -- transfers --------------------------------------------------------------------------
    ('volume:create_transfer', MEMBER, 'Offer a volume for transfer.',
     [('POST', TR) for TR in TRANSFERS]),
    ('volume:get_transfer', READER, 'Show a volume transfer.',
     [('GET', TR + '/{transfer_id}') for TR in TRANSFERS]),
    ('volume:get_all_transfers', READER, 'List volume transfers.',
     [('GET', TR + suffix) for TR in TRANSFERS for suffix in ('', '/detail')]),
    ('volume:accept_transfer', MEMBER, 'Accept a volume transfer.',
     [('POST', TR + '/{transfer_id}/accept') for TR in TRANSFERS]),
    ('volume:delete_transfer', MEMBER, 'Withdraw a volume transfer.',
     [('DELETE', TR + '/{transfer_id}') for TR in TRANSFERS]),
    # -- backups ----------------------------------------------------------------------------
    ('backup:create', MEMBER, 'Create a backup.', [('POST', '/backups')]),
    ('backup:get', READER, 'Show a backup.', [('GET', '/backups/{backup_id}')]),
    ('backup:get_all', READER, 'List backups.',
     [('GET', '/backups'), ('GET', '/backups/detail')]),
    ('backup:delete', MEMBER, 'Delete a backup.', [('DELETE', '/backups/{backup_id}')]),
    ('backup:restore', MEMBER, 'Restore a backup.',
     [('POST', '/backups/{backup_id}/restore')]),
    ('backup:backup_project_attribute', ADMIN, 'Show the project of backups.',
     [('GET', '/backups/{backup_id}')]),
    # -- generic volume groups (read only: none can be created) ------------------------------
    ('group:get_all', READER, 'List volume groups.',
     [('GET', '/groups'), ('GET', '/groups/detail')]),
    ('group:get', READER, 'Show a volume group.', [('GET', '/groups/{group_id}')]),
    # -- user messages ----------------------------------------------------------------------
    ('message:get_all', READER, 'List user messages.', [('GET', '/messages')]),
    ('message:get', READER, 'Show a user message.', [('GET', '/messages/{message_id}')]),
    ('message:delete', MEMBER, 'Delete a user message.',
     [('DELETE', '/messages/{message_id}')]),
    # -- attachments ----------------------------------------------------------------------
    ('volume:attachment_create', MEMBER, 'Create an attachment.',
     [('POST', '/attachments')]),
    ('volume:attachment_update', MEMBER, 'Connect an attachment.', [('PUT', A)]),
    ('volume:attachment_complete', MEMBER, 'Mark an attachment complete (os-complete).',
     [('POST', A + '/action')]),
    ('volume:attachment_delete', MEMBER, 'Delete an attachment.', [('DELETE', A)]),
    ('volume:attachment_get', READER, 'Show an attachment.', [('GET', A)]),
    ('volume:attachment_get_all', READER, 'List attachments.',
     [('GET', '/attachments'), ('GET', '/attachments/detail')]),
]

RULES = [policy.DocumentedRuleDefault(name, check, description,
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


def authorize(context, name, project_id=None, do_raise=True):
    """Enforce ``name`` on a target owned by ``project_id`` (the caller's
    project by default)."""
    from oslo_config import cfg
    target = {'project_id': project_id or context.project_id, 'user_id': context.user_id}
    return common_policy.authorize(get_enforcer(cfg.CONF), context, name, target=target,
                                   do_raise=do_raise)
