"""What a caller sees of an exception raised on the other side of an RPC."""

import oslo_messaging as messaging

from common import exception as common_exc


def local(exc):
    """The exception oslo.messaging re-raised, without the remote traceback it
    appends to the message (which must never reach an API user)."""
    if not type(exc).__name__.endswith('_Remote'):
        return exc
    base = type(exc).__mro__[1]
    message = str(exc.args[0]).split('\n', 1)[0] if exc.args else None
    try:
        return base(message, **getattr(exc, 'kwargs', {}))
    except TypeError:
        return base(message)


def call(client, context, version, method, what, **kwargs):
    """``client.call`` at ``version``; project errors re-raised as themselves
    and a silent peer as 503."""
    try:
        return client.prepare(version=version).call(context, method, **kwargs)
    except common_exc.AltoError as exc:
        raise local(exc) from None
    except messaging.MessagingTimeout:
        raise common_exc.ServiceUnavailable(reason='the %s did not answer' % what)
