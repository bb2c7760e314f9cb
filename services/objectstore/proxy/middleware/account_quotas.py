"""Account quotas: ``X-Account-Meta-Quota-Bytes`` (and Swift 2.34's
``X-Account-Quota-Bytes`` / ``X-Account-Quota-Count``, kept as
``X-Account-Meta-Quota-*``).  Only a reseller admin may set or remove them
(403 otherwise; 400 for a value that is not a whole number); an upload that
would take the account past either gets 413.
"""

import webob

from services.objectstore.proxy import acl
from services.objectstore.proxy.middleware import container_quotas
from services.objectstore.proxy.middleware import subrequest

#: Swift 2.34's quota headers and the metadata they are kept as
ALIASES = {'X-Account-Quota-Bytes': 'X-Account-Meta-Quota-Bytes',
           'X-Account-Quota-Count': 'X-Account-Meta-Quota-Count'}
PREFIXES = ('x-account-meta-quota-', 'x-remove-account-meta-quota-')


def capabilities(conf):
    return {'account_quotas': {}}


class AccountQuotas(subrequest.Module):

    def handle(self, req, account, container, obj):
        if account is not None and container is None and req.method in ('PUT', 'POST'):
            refusal = self._change(req)
            if refusal is not None:
                return refusal
        target = container_quotas.upload(self.app, req)
        if target is not None:
            # the account's answer as the proxy keeps it says whether it has a
            # quota (most have none: no HEAD per upload); one that has is
            # checked against its usage as it is now
            info = self.proxy.info(req.environ, account)
            if info.status // 100 == 2 and _has_quota(info):
                info = self.proxy.info(req.environ, account, fresh=True)
            if info.status // 100 == 2 and _over(info, target[1]):
                return container_quotas.over_quota()
        return self.passthrough(req)

    def _change(self, req):
        for alias, name in ALIASES.items():
            for sent, kept in ((alias, name), (alias.replace('X-', 'X-Remove-', 1),
                                               name.replace('X-', 'X-Remove-', 1))):
                if sent in req.headers:
                    req.headers[kept] = req.headers.pop(sent)
        touched = [n for n in req.headers if n.lower().startswith(PREFIXES)]
        if not touched:
            return None
        identity = acl.Identity.from_environ(req.environ)
        if not identity.roles & self.proxy.policy.reseller_admin_roles:
            return webob.Response(status=403 if identity.authenticated else 401,
                                  content_type='text/plain',
                                  body=b'Access was denied to this resource.')
        for name in touched:
            value = req.headers[name]
            if name.lower().startswith(PREFIXES[0]) and value and not value.isdigit():
                return webob.Response(status=400, content_type='text/plain',
                                      body=b'Invalid %s' % name.encode('ascii'))
        return None


def _has_quota(info):
    return bool(info.header('X-Account-Meta-Quota-Bytes') or
                info.header('X-Account-Meta-Quota-Count'))


def _over(info, size):
    max_bytes = info.header('X-Account-Meta-Quota-Bytes')
    max_count = info.header('X-Account-Meta-Quota-Count')
    used = int(info.header('X-Account-Bytes-Used') or 0)
    count = int(info.header('X-Account-Object-Count') or 0)
    if max_bytes and max_bytes.isdigit() and used + (size or 0) > int(max_bytes):
        return True
    return bool(max_count and max_count.isdigit() and count + 1 > int(max_count))
