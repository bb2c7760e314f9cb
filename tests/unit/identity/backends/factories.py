"""Small builders of entity refs for the contract suite."""

import uuid


def new_id():
    return uuid.uuid4().hex


def domain(**kw):
    ref = {'id': new_id(), 'name': 'dom-' + new_id()[:8], 'description': 'a domain',
           'enabled': True, 'tags': []}
    ref.update(kw)
    return ref


def project(domain_id, **kw):
    ref = {'id': new_id(), 'name': 'proj-' + new_id()[:8], 'domain_id': domain_id,
           'parent_id': None, 'description': 'a project', 'enabled': True, 'tags': []}
    ref.update(kw)
    return ref


def user(domain_id, **kw):
    ref = {'id': new_id(), 'name': 'user-' + new_id()[:8], 'domain_id': domain_id,
           'enabled': True, 'default_project_id': None, 'description': None,
           'email': None, 'password_hash': '$2b$04$hash', 'password_expires_at': None,
           'extra': {}}
    ref.update(kw)
    return ref


def group(domain_id, **kw):
    ref = {'id': new_id(), 'name': 'grp-' + new_id()[:8], 'domain_id': domain_id,
           'description': None}
    ref.update(kw)
    return ref


def role(domain_id=None, **kw):
    ref = {'id': new_id(), 'name': 'role-' + new_id()[:8], 'domain_id': domain_id,
           'description': None}
    ref.update(kw)
    return ref
