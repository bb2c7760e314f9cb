"""Build the identity WSGI application."""

from common import faults
from common import wsgi
from services.identity.api import hooks
from services.identity.api import policies
from services.identity.api.controllers import root
from services.identity.core import build_managers
from services.identity.token import provider as token_provider


def build(conf, drivers, publisher=None):
    """The full WSGI app for ``conf`` on ``drivers``; returns ``(app, managers)``.

    ``publisher`` casts revocation events to the other APIs (None: not sent).
    """
    managers = build_managers(conf, drivers, publisher)
    provider = token_provider.TokenProvider(conf, managers)
    enforcer = policies.make_enforcer(conf)
    app_hooks = [hooks.HeadAsGetHook(), hooks.ServicesHook(managers, provider, enforcer),
                 hooks.TokenAuthHook(), hooks.FirstQueryValueHook()]
    app = wsgi.build_app(root.RootController(), conf, renderer=faults.identity_fault,
                         hooks=app_hooks, auth_strategy='none',
                         public_paths=lambda method, path: hooks.is_public(method, path))
    return hooks.strip_head_body(app), managers
