"""The proxy's feature modules: one WSGI middleware per Swift feature.

Between keystonemiddleware and :class:`~..app.ProxyApp`, outermost first:

    cors -> bulk -> tempurl -> formpost -> staticweb -> container_quotas -> account_quotas
         -> slo -> dlo -> versioned_writes -> symlink -> ProxyApp

Each sees the request after authentication and may make requests of its own
through the modules below it (:mod:`.subrequest`), as the user who made
the request; each is advertised in ``GET /info`` (:data:`CAPABILITIES`).
"""

from services.objectstore.proxy.middleware import account_quotas
from services.objectstore.proxy.middleware import bulk
from services.objectstore.proxy.middleware import container_quotas
from services.objectstore.proxy.middleware import cors
from services.objectstore.proxy.middleware import dlo
from services.objectstore.proxy.middleware import formpost
from services.objectstore.proxy.middleware import slo
from services.objectstore.proxy.middleware import staticweb
from services.objectstore.proxy.middleware import symlink
from services.objectstore.proxy.middleware import tempurl
from services.objectstore.proxy.middleware import versioned_writes

#: outermost first: (module, its middleware class)
MODULES = ((cors, cors.CORS),
           (bulk, bulk.Bulk),
           (tempurl, tempurl.TempURL),
           (formpost, formpost.FormPost),
           (staticweb, staticweb.StaticWeb),
           (container_quotas, container_quotas.ContainerQuotas),
           (account_quotas, account_quotas.AccountQuotas),
           (slo, slo.StaticLargeObjects),
           (dlo, dlo.DynamicLargeObjects),
           (versioned_writes, versioned_writes.VersionedWrites),
           (symlink, symlink.Symlinks))


def pipeline(proxy, conf):
    """``proxy`` (the ProxyApp) behind every feature module."""
    app = proxy
    for _, middleware in reversed(MODULES):
        app = middleware(app, proxy)
    return app


def capabilities(conf):
    """What the modules add to ``GET /info``."""
    out = {}
    for module, _ in MODULES:
        out.update(module.capabilities(conf))
    return out
