"""Domain-specific configuration (/v3/domains/{id}/config).

Keystone lets a domain name its own identity backend (the ``identity``
and ``ldap`` option groups).  We keep and serve such configurations with
keystone's rules (only the whitelisted groups and options; the LDAP
password is stored but never shown); users of every domain still live in
the SQL backend, so a configuration does not switch a domain to LDAP.
"""

import copy

from services.identity import exception

#: group -> option -> default; only these may be set
DEFAULTS = {
    'identity': {'driver': 'sql', 'list_limit': None},
    'ldap': {
        'url': 'ldap://localhost', 'user': None, 'suffix': 'cn=example,cn=com',
        'query_scope': 'one', 'page_size': 0, 'alias_dereferencing': 'default',
        'debug_level': None, 'chase_referrals': None,
        'user_tree_dn': None, 'user_filter': None, 'user_objectclass': 'inetOrgPerson',
        'user_id_attribute': 'cn', 'user_name_attribute': 'sn',
        'user_description_attribute': 'description', 'user_mail_attribute': 'mail',
        'user_pass_attribute': 'userPassword', 'user_enabled_attribute': 'enabled',
        'user_enabled_invert': False, 'user_enabled_mask': 0,
        'user_enabled_default': 'True', 'user_attribute_ignore': ['default_project_id'],
        'user_default_project_id_attribute': None, 'user_enabled_emulation': False,
        'user_enabled_emulation_dn': None,
        'user_enabled_emulation_use_group_config': False,
        'user_additional_attribute_mapping': [],
        'group_tree_dn': None, 'group_filter': None, 'group_objectclass': 'groupOfNames',
        'group_id_attribute': 'cn', 'group_name_attribute': 'ou',
        'group_member_attribute': 'member', 'group_members_are_ids': False,
        'group_desc_attribute': 'description', 'group_attribute_ignore': [],
        'group_additional_attribute_mapping': [], 'group_ad_nesting': False,
        'tls_cacertfile': None, 'tls_cacertdir': None, 'use_tls': False,
        'tls_req_cert': 'demand', 'connection_timeout': -1, 'use_pool': True,
        'pool_size': 10, 'pool_retry_max': 3, 'pool_retry_delay': 0.1,
        'pool_connection_timeout': -1, 'pool_connection_lifetime': 600,
        'use_auth_pool': True, 'auth_pool_size': 100,
        'auth_pool_connection_lifetime': 60,
    },
}
#: stored, never shown
SENSITIVE = {'ldap': ('password',)}


def _invalid(reason):
    return exception.Forbidden('Invalid domain specific configuration: %s' % reason)


def _check(config):
    if not isinstance(config, dict) or not config:
        raise exception.ValidationError(reason='config must be a non-empty object')
    for group, options in config.items():
        if group not in DEFAULTS:
            raise _invalid('group %s is not supported' % group)
        if not isinstance(options, dict):
            raise exception.ValidationError(reason='group %s must be an object' % group)
        for option in options:
            if option not in DEFAULTS[group] and option not in SENSITIVE.get(group, ()):
                raise _invalid('option %s in group %s is not supported' % (option, group))


def _shown(config):
    return {group: {k: v for k, v in options.items()
                    if k not in SENSITIVE.get(group, ())}
            for group, options in config.items()}


def _not_found(domain_id, group=None, option=None):
    what = 'option %s in group %s' % (option, group) if option else (
        'group %s' % group if group else 'configuration')
    return exception.NotFound('Could not find %s of the configuration of domain %s.'
                              % (what, domain_id))


class DomainConfigManager:

    def __init__(self, conf, driver, state, resource):
        self.conf = conf
        self.driver = driver
        self.state = state
        self.resource = resource

    def _stored(self, domain_id):
        self.resource.get_domain(domain_id)
        try:
            return self.driver.get(domain_id)['config']
        except exception.NotFound:
            return None

    def create(self, domain_id, config):
        """Replace the configuration; returns ``(shown, created)``."""
        _check(config)
        existing = self._stored(domain_id)
        if existing is None:
            self.driver.create({'id': domain_id, 'config': config})
        else:
            self.driver.update(domain_id, {'config': config})
        self.state.bump()
        return _shown(config), existing is None

    def get(self, domain_id, group=None, option=None):
        config = self._stored(domain_id)
        if config is None:
            raise _not_found(domain_id)
        config = _shown(config)
        if group is None:
            return config
        if group not in config:
            raise _not_found(domain_id, group)
        if option is None:
            return {group: config[group]}
        if option not in config[group]:
            raise _not_found(domain_id, group, option)
        return {option: config[group][option]}

    def update(self, domain_id, config, group=None, option=None):
        current = self._stored(domain_id)
        if current is None:
            raise _not_found(domain_id)
        if option is not None:
            if set(config) != {option}:
                raise exception.ValidationError(
                    reason='the body must set option %s only' % option)
            config = {group: config}
        elif group is not None and set(config) != {group}:
            raise exception.ValidationError(reason='the body must set group %s only' % group)
        _check(config)
        merged = copy.deepcopy(current)
        for name, options in config.items():
            merged.setdefault(name, {}).update(options)
        self.driver.update(domain_id, {'config': merged})
        self.state.bump()
        return _shown(merged)

    def delete(self, domain_id, group=None, option=None):
        current = self._stored(domain_id)
        if current is None:
            raise _not_found(domain_id)
        if group is None:
            self.driver.delete(domain_id)
        else:
            if group not in current:
                raise _not_found(domain_id, group)
            if option is None:
                del current[group]
            else:
                if option not in current[group]:
                    raise _not_found(domain_id, group, option)
                del current[group][option]
            self.driver.update(domain_id, {'config': current})
        self.state.bump()

    def delete_for_domain(self, domain_id):
        try:
            self.driver.delete(domain_id)
        except exception.NotFound:
            pass

    @staticmethod
    def defaults(group=None, option=None):
        if group is None:
            return copy.deepcopy(DEFAULTS)
        if group not in DEFAULTS:
            raise _invalid('group %s is not supported' % group)
        if option is None:
            return {group: copy.deepcopy(DEFAULTS[group])}
        if option not in DEFAULTS[group]:
            raise _invalid('option %s in group %s is not supported' % (option, group))
        return {option: copy.deepcopy(DEFAULTS[group][option])}
