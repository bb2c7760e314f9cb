"""Response shapes: one function per entity, keystone's field names."""

import datetime


def _link(base, collection, entity_id):
    return {'self': '%s/%s/%s' % (base, collection, entity_id)}


def collection(base, path, name, items):
    return {name: items, 'links': {'self': '%s/%s' % (base, path), 'previous': None,
                                   'next': None}}


def iso(value):
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
    return value


def domain(base, ref):
    return {'id': ref['id'], 'name': ref['name'], 'description': ref.get('description') or '',
            'enabled': ref['enabled'], 'tags': list(ref.get('tags') or []),
            'options': {}, 'links': _link(base, 'domains', ref['id'])}


def project(base, ref):
    body = dict(ref.get('extra') or {})
    body.update({'id': ref['id'], 'name': ref['name'], 'domain_id': ref['domain_id'],
                 # keystone shows the domain as the parent of a top-level project
                 'parent_id': ref.get('parent_id') or ref['domain_id'],
                 'description': ref.get('description') or '', 'enabled': ref['enabled'],
                 'is_domain': False, 'tags': list(ref.get('tags') or []), 'options': {},
                 'links': _link(base, 'projects', ref['id'])})
    return body


def domain_as_project(base, ref):
    """A domain seen through /v3/projects: keystone's ``is_domain`` project."""
    return {'id': ref['id'], 'name': ref['name'], 'domain_id': None, 'parent_id': None,
            'description': ref.get('description') or '', 'enabled': ref['enabled'],
            'is_domain': True, 'tags': list(ref.get('tags') or []), 'options': {},
            'links': _link(base, 'projects', ref['id'])}


def user(base, ref):
    body = dict(ref.get('extra') or {})
    body.update({'id': ref['id'], 'name': ref['name'], 'domain_id': ref['domain_id'],
                 'enabled': ref['enabled'],
                 'password_expires_at': iso(ref.get('password_expires_at')),
                 'options': dict(ref.get('options') or {}),
                 'links': _link(base, 'users', ref['id'])})
    for key in ('default_project_id', 'description', 'email'):
        if ref.get(key) is not None:
            body[key] = ref[key]
    return body


def group(base, ref):
    return {'id': ref['id'], 'name': ref['name'], 'domain_id': ref['domain_id'],
            'description': ref.get('description') or '',
            'links': _link(base, 'groups', ref['id'])}


def role(base, ref):
    return {'id': ref['id'], 'name': ref['name'], 'domain_id': ref.get('domain_id'),
            'description': ref.get('description'), 'options': {},
            'links': _link(base, 'roles', ref['id'])}


def role_ref(base, ref):
    return {'id': ref['id'], 'name': ref['name'], 'links': _link(base, 'roles', ref['id'])}


def region(base, ref):
    return {'id': ref['id'], 'description': ref.get('description') or '',
            'parent_region_id': ref.get('parent_region_id'),
            'links': _link(base, 'regions', ref['id'])}


def service(base, ref):
    body = {'id': ref['id'], 'type': ref['type'], 'enabled': ref['enabled'],
            'description': ref.get('description') or '',
            'links': _link(base, 'services', ref['id'])}
    if ref.get('name'):
        body['name'] = ref['name']
    return body


def endpoint(base, ref):
    return {'id': ref['id'], 'service_id': ref['service_id'], 'interface': ref['interface'],
            'url': ref['url'], 'region_id': ref.get('region_id'),
            'region': ref.get('region_id'), 'enabled': ref['enabled'],
            'links': _link(base, 'endpoints', ref['id'])}


def app_cred(base, ref, secret=None):
    body = {'id': ref['id'], 'name': ref['name'], 'description': ref.get('description'),
            'user_id': ref['user_id'], 'project_id': ref['project_id'],
            'expires_at': iso(ref.get('expires_at')),
            'unrestricted': bool(ref.get('unrestricted')), 'roles': ref['_roles'],
            'access_rules': [],
            'links': {'self': '%s/users/%s/application_credentials/%s'
                      % (base, ref['user_id'], ref['id'])}}
    if secret is not None:
        body['secret'] = secret
    return body


def implied_role(base, prior, implied):
    return {'role_inference': {'prior_role': role_ref(base, prior),
                               'implies': role_ref(base, implied)},
            'links': {'self': '%s/roles/%s/implies/%s' % (base, prior['id'], implied['id'])}}


def credential(base, ref):
    body = dict(ref.get('extra') or {})
    body.update({'id': ref['id'], 'user_id': ref['user_id'],
                 'project_id': ref.get('project_id'), 'type': ref['type'],
                 'blob': ref['blob'], 'links': _link(base, 'credentials', ref['id'])})
    return body


def _iso_z(value):
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%S.%fZ')
    return value


def trust(base, ref, roles_by_id):
    url = '%s/OS-TRUST/trusts/%s' % (base, ref['id'])
    body = dict(ref.get('extra') or {})
    body.update({
        'id': ref['id'], 'trustor_user_id': ref['trustor_user_id'],
        'trustee_user_id': ref['trustee_user_id'], 'project_id': ref['project_id'],
        'impersonation': ref['impersonation'], 'expires_at': _iso_z(ref['expires_at']),
        'remaining_uses': ref['remaining_uses'],
        'allow_redelegation': ref['allow_redelegation'],
        'roles': [role(base, roles_by_id[r['id']]) for r in ref['roles']
                  if r['id'] in roles_by_id],
        'roles_links': {'self': url + '/roles', 'previous': None, 'next': None},
        'links': {'self': url}})
    if ref.get('redelegation_count') is not None:
        body['redelegation_count'] = ref['redelegation_count']
    return body


def limit(base, collection, ref):
    body = {k: v for k, v in ref.items()}
    body['links'] = _link(base, collection, ref['id'])
    return body


def policy(base, ref):
    body = dict(ref.get('extra') or {})
    body.update({'id': ref['id'], 'type': ref['type'], 'blob': ref['blob'],
                 'links': _link(base, 'policies', ref['id'])})
    return body


def endpoint_group(base, ref):
    return {'id': ref['id'], 'name': ref['name'], 'description': ref.get('description') or '',
            'filters': dict(ref.get('filters') or {}),
            'links': {'self': '%s/OS-EP-FILTER/endpoint_groups/%s' % (base, ref['id'])}}


def consumer(base, ref):
    body = dict(ref.get('extra') or {})
    body.update({'id': ref['id'], 'description': ref.get('description'),
                 'links': {'self': '%s/OS-OAUTH1/consumers/%s' % (base, ref['id'])}})
    return body
