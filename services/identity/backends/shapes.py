"""The fields of every identity entity, with the defaults a driver fills in.

``base.py`` promises that every field is present in what a driver returns;
:func:`shape` builds such a dict from a manager's (possibly partial) ref.
"""

import copy
import datetime
import uuid


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _now():
    return utcnow()


def _uuid():
    # Revocation events are the one entity a manager may leave unnamed.
    return uuid.uuid4().hex


def _list():
    return []


def _dict():
    return {}


# Field -> default value (a callable builds a fresh one per entity).
FIELDS = {
    'domain': {'id': None, 'name': None, 'description': None,
               'enabled': True, 'tags': _list},
    'project': {'id': None, 'name': None, 'domain_id': None,
                'parent_id': None, 'description': None, 'enabled': True,
                'tags': _list, 'extra': _dict},
    'user': {'id': None, 'name': None, 'domain_id': None, 'enabled': True,
             'default_project_id': None, 'description': None,
             'email': None, 'password_hash': None,
             'password_expires_at': None, 'extra': _dict,
             'created_at': _now,
             # [security_compliance] bookkeeping and the user's options
             'failed_auth_count': None, 'failed_auth_at': None,
             'last_active_at': None, 'password_created_at': None,
             'password_self_service': False, 'options': _dict},
    'group': {'id': None, 'name': None, 'domain_id': None,
              'description': None},
    'role': {'id': None, 'name': None, 'domain_id': None,
             'description': None},
    'region': {'id': None, 'description': None, 'parent_region_id': None},
    'service': {'id': None, 'type': None, 'name': None, 'description': None,
                'enabled': True},
    'endpoint': {'id': None, 'service_id': None, 'interface': None,
                 'url': None, 'region_id': None, 'enabled': True},
    'app_cred': {'id': None, 'name': None, 'user_id': None,
                 'project_id': None, 'description': None,
                 'secret_hash': None, 'expires_at': None,
                 'unrestricted': False, 'roles': _list, 'created_at': _now},
    'credential': {'id': None, 'user_id': None, 'project_id': None, 'type': None,
                   'encrypted_blob': None, 'key_hash': None, 'extra': _dict},
    'trust': {'id': None, 'trustor_user_id': None, 'trustee_user_id': None,
              'project_id': None, 'impersonation': False, 'expires_at': None,
              'remaining_uses': None, 'allow_redelegation': False,
              'redelegation_count': None, 'roles': _list, 'extra': _dict,
              'created_at': _now},
    'registered_limit': {'id': None, 'service_id': None, 'region_id': None,
                         'resource_name': None, 'default_limit': None, 'description': None},
    'limit': {'id': None, 'project_id': None, 'domain_id': None, 'service_id': None,
              'region_id': None, 'resource_name': None, 'resource_limit': None,
              'description': None},
    'policy': {'id': None, 'type': None, 'blob': None, 'extra': _dict},
    'endpoint_group': {'id': None, 'name': None, 'description': None, 'filters': _dict},
    'project_endpoint': {'id': None, 'endpoint_id': None, 'project_id': None},
    'project_endpoint_group': {'id': None, 'endpoint_group_id': None, 'project_id': None},
    'access_rule': {'id': None, 'user_id': None, 'service': None, 'path': None,
                    'method': None},
    'app_cred_access_rule': {'id': None, 'application_credential_id': None,
                             'access_rule_id': None},
    'consumer': {'id': None, 'description': None, 'secret': None, 'extra': _dict},
    'domain_config': {'id': None, 'config': _dict},
    'revoke_event': {'id': _uuid, 'user_id': None, 'project_id': None,
                     'domain_id': None, 'role_id': None, 'audit_id': None,
                     'audit_chain_id': None, 'app_cred_id': None, 'issued_before': None,
                     'revoked_at': _now},
}


def shape(kind, ref):
    """A deep copy of ``ref`` holding exactly ``kind``'s fields."""
    out = {}
    for field, default in FIELDS[kind].items():
        if field in ref and not (ref[field] is None and callable(default)):
            out[field] = copy.deepcopy(ref[field])
        else:
            out[field] = default() if callable(default) else default
    return out


def apply_changes(kind, ref, changes):
    """``ref`` updated with the known, non-id fields of ``changes``."""
    out = copy.deepcopy(ref)
    for field, value in changes.items():
        if field not in FIELDS[kind] or field == 'id':
            continue
        default = FIELDS[kind][field]
        if value is None and callable(default):
            out[field] = default()
        else:
            out[field] = copy.deepcopy(value)
    return out
