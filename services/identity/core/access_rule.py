"""Access rules of application credentials: (service, path, method)
triples a user keeps and links to application credentials.  A token made
from such a credential lists them, and keystonemiddleware lets it reach
only matching requests."""

from services.identity import exception
from services.identity.core import ReadCache
from services.identity.core import new_id

_KEYS = ('service', 'path', 'method')


class AccessRuleManager:

    def __init__(self, conf, records, state):
        self.conf = conf
        self.rules = records['access_rule']
        self.links = records['app_cred_access_rule']
        self.state = state
        self.cache = ReadCache(state, conf.token.validation_cache_time)

    def resolve(self, user_id, specs):
        """The user's rules for ``specs`` (by id, or by value: an existing
        rule is reused, a new one created)."""
        refs = []
        for spec in specs or ():
            if spec.get('id'):
                ref = self.get(user_id, spec['id'])
            else:
                if not all(spec.get(k) for k in _KEYS):
                    raise exception.ValidationError(
                        reason='an access rule needs service, path and method')
                found = self.rules.list(dict({k: spec[k] for k in _KEYS}, user_id=user_id))
                ref = found[0] if found else self.rules.create(
                    dict({k: spec[k] for k in _KEYS}, id=new_id(), user_id=user_id))
            if ref['id'] not in [r['id'] for r in refs]:
                refs.append(ref)
        if refs:
            self.state.bump()
        return refs

    def link(self, app_cred_id, rules):
        for rule in rules:
            self.links.create({'id': new_id(), 'application_credential_id': app_cred_id,
                               'access_rule_id': rule['id']})
        if rules:
            self.state.bump()

    def unlink(self, app_cred_id):
        for ref in self.links.list({'application_credential_id': app_cred_id}):
            self.links.delete(ref['id'])

    def for_app_cred(self, app_cred_id):
        return self.cache.get(('access-rules', app_cred_id),
                              lambda: self._for_app_cred(app_cred_id))

    def _for_app_cred(self, app_cred_id):
        ids = [r['access_rule_id'] for r in self.links.list(
            {'application_credential_id': app_cred_id})]
        rules = []
        for rule_id in ids:
            try:
                rules.append(self.rules.get(rule_id))
            except exception.NotFound:
                continue
        return rules

    def get(self, user_id, rule_id):
        try:
            ref = self.rules.get(rule_id)
        except exception.NotFound:
            ref = None
        if ref is None or ref['user_id'] != user_id:
            raise exception.RecordNotFound(kind='access rule', record_id=rule_id)
        return ref

    def list(self, user_id, hints=None):
        return self.rules.list(dict(hints or {}, user_id=user_id))

    def delete(self, user_id, rule_id):
        self.get(user_id, rule_id)
        if self.links.list({'access_rule_id': rule_id}):
            raise exception.Forbidden('Cannot delete access rule %s: an application '
                                      'credential uses it.' % rule_id)
        self.rules.delete(rule_id)
        self.state.bump()

    def delete_for_user(self, user_id):
        for rule in self.rules.list({'user_id': user_id}):
            for link in self.links.list({'access_rule_id': rule['id']}):
                self.links.delete(link['id'])
            self.rules.delete(rule['id'])


def view(ref):
    return {'id': ref['id'], 'service': ref['service'], 'path': ref['path'],
            'method': ref['method']}
