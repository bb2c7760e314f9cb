"""``alto-manage identity bootstrap``: the first admin, roles and catalog.

Idempotent like ``keystone-manage bootstrap``: what exists is kept (the
admin password is reset when it differs), what is missing is created.
"""

import dataclasses
import typing

from services.identity import exception

DEFAULT_DOMAIN_NAME = 'Default'
# keystone's default chain: admin implies manager, manager member, member reader
IMPLIED = (('admin', 'manager'), ('manager', 'member'), ('member', 'reader'))
# options of the administrator bootstrap creates (see bootstrap())
ADMIN_OPTIONS = {'ignore_change_password_upon_first_use': True, 'ignore_password_expiry': True}


@dataclasses.dataclass
class BootstrapOptions:
    password: str
    username: str = 'admin'
    project_name: str = 'admin'
    role_name: str = 'admin'
    service_name: str = 'keystone'
    region_id: typing.Optional[str] = None
    public_url: typing.Optional[str] = None
    internal_url: typing.Optional[str] = None
    admin_url: typing.Optional[str] = None


def _get_or_create(getter, creator, log, what):
    try:
        return getter()
    except exception.NotFound:
        ref = creator()
        log('Created %s' % what)
        return ref


def bootstrap(managers, opts, log=print):
    domain_id = managers.conf.identity.default_domain_id
    domain = _get_or_create(
        lambda: managers.resource.get_domain(domain_id),
        lambda: managers.resource.create_domain(
            {'name': DEFAULT_DOMAIN_NAME, 'description': 'The default domain'},
            domain_id=domain_id),
        log, 'domain %s' % domain_id)
    project = _get_or_create(
        lambda: managers.resource.get_project_by_name(opts.project_name, domain['id']),
        lambda: managers.resource.create_project(
            {'name': opts.project_name, 'domain_id': domain['id'],
             'description': 'Bootstrap project for initializing the cloud.'}),
        log, 'project %s' % opts.project_name)

    roles = {}
    for name in dict.fromkeys(['reader', 'member', 'manager', 'admin', opts.role_name]):
        roles[name] = _get_or_create(
            lambda name=name: managers.assignment.get_role_by_name(name),
            lambda name=name: managers.assignment.create_role({'name': name}),
            log, 'role %s' % name)
    for prior, implied in IMPLIED:
        try:
            managers.assignment.get_implied_role(roles[prior]['id'], roles[implied]['id'])
        except exception.NotFound:
            managers.assignment.create_implied_role(roles[prior]['id'], roles[implied]['id'])
            log('Created implied role %s -> %s' % (prior, implied))

    try:
        user = managers.identity.get_user_by_name(opts.username, domain['id'])
    except exception.NotFound:
        # the operator's own account: [security_compliance] may not expire its
        # password at first use or after some days and lock the cloud's
        # administrator out of the API
        user = managers.identity.create_user({'name': opts.username, 'domain_id': domain['id'],
                                              'password': opts.password,
                                              'options': dict(ADMIN_OPTIONS)})
        log('Created user %s' % opts.username)
    else:
        changes = {}
        if not user['enabled']:
            changes['enabled'] = True
        if not managers.identity.check_password(user, opts.password):
            changes['password'] = opts.password
        if changes:
            managers.identity.update_user(user['id'], changes)
            log('Updated user %s (%s)' % (opts.username, ', '.join(sorted(changes))))

    admin_role = roles[opts.role_name]
    managers.assignment.driver.create_assignment('UserProject', user['id'], project['id'],
                                                 admin_role['id'])
    managers.assignment.driver.create_assignment('UserSystem', user['id'], 'system',
                                                 admin_role['id'])
    managers.state.bump()

    if opts.region_id:
        _get_or_create(lambda: managers.catalog.get_region(opts.region_id),
                       lambda: managers.catalog.create_region({'id': opts.region_id}),
                       log, 'region %s' % opts.region_id)
    urls = {'public': opts.public_url, 'internal': opts.internal_url,
            'admin': opts.admin_url}
    if any(urls.values()):
        _ensure_service(managers, opts, urls, log)
    return {'domain': domain, 'project': project, 'user': user, 'roles': roles}


def _ensure_service(managers, opts, urls, log):
    catalog = managers.catalog
    services = catalog.list_services({'type': 'identity'})
    if services:
        service = services[0]
    else:
        service = catalog.create_service({'type': 'identity', 'name': opts.service_name,
                                          'description': 'Identity service'})
        log('Created service identity (%s)' % opts.service_name)
    existing = catalog.list_endpoints({'service_id': service['id']})
    for interface, url in urls.items():
        if not url:
            continue
        match = [e for e in existing if e['interface'] == interface
                 and e.get('region_id') == opts.region_id]
        if not match:
            catalog.create_endpoint({'service_id': service['id'], 'interface': interface,
                                     'url': url, 'region_id': opts.region_id})
            log('Created %s endpoint %s' % (interface, url))
        elif match[0]['url'] != url:
            catalog.update_endpoint(match[0]['id'], {'url': url})
            log('Updated %s endpoint to %s' % (interface, url))
