"""Request context carried through the API, policy checks and RPC."""

from oslo_context import context as o_context


class RequestContext(o_context.RequestContext):
    """oslo.context's context plus the policy helpers every service uses."""

    def __init__(self, *args, service_catalog=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_catalog = service_catalog or []

    @property
    def is_admin_role(self):
        return 'admin' in (self.roles or [])

    def to_dict(self):
        values = super().to_dict()
        values['service_catalog'] = self.service_catalog
        return values

    def get_logging_values(self):
        # The catalog only bloats log lines; oslo.context already masks the token.
        values = super().get_logging_values()
        values.pop('service_catalog', None)
        return values

    @classmethod
    def from_dict(cls, values, **kwargs):
        kwargs.setdefault('service_catalog', values.get('service_catalog'))
        return super().from_dict(values, **kwargs)

    def elevated(self):
        ctx = self.__class__.from_dict(self.to_dict())
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles = list(ctx.roles) + ['admin']
        return ctx


def get_admin_context():
    return RequestContext(is_admin=True, roles=['admin'], overwrite=False)


def from_environ(environ):
    """Build a context from the headers keystonemiddleware sets."""
    ctx = RequestContext.from_environ(environ)
    ctx.is_admin = ctx.is_admin or 'admin' in (ctx.roles or [])
    return ctx
