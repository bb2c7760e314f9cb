"""oslo.messaging glue: one transport per process, versioned clients/servers.

Every service's ``rpcapi.py`` builds its client with :func:`get_client` (so
the ``[upgrade_levels]`` cap and the context serializer are applied in one
place) and every daemon serves its manager with :func:`get_server`.
"""

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_messaging import opts as messaging_opts

from common import context as alto_context
from common import exception

_TRANSPORT = None
#: How often a client retries sending while the broker is unreachable
#: (None: for ever).  API daemons bound it: a user waits on their answer.
_SEND_RETRY = None

#: Modules whose exceptions re-raise as themselves on the calling side.
ALLOWED_EXMODS = ['common.exception']


class RequestContextSerializer(messaging.Serializer):
    """Sends the request context along with every message."""

    def __init__(self, base=None):
        self._base = base

    def serialize_entity(self, context, entity):
        return self._base.serialize_entity(context, entity) if self._base else entity

    def deserialize_entity(self, context, entity):
        return self._base.deserialize_entity(context, entity) if self._base else entity

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return alto_context.RequestContext.from_dict(context)


def register_opts(conf):
    """All of oslo.messaging's options (some are otherwise registered lazily)."""
    for group, opts in messaging_opts.list_opts():
        conf.register_opts(opts, group=group)


def init(conf, exmods=(), send_retry=None):
    """Create the process transport; ``exmods`` adds service exception modules.

    ``send_retry`` bounds the reconnect attempts of every client this
    process builds (``MessageDeliveryFailure`` after them); None keeps
    oslo.messaging's default of retrying until the broker is back.

    ``conf`` must be the global ``cfg.CONF``: oslo.messaging registers some
    of its options (tracing, metrics) on the global object only.
    """
    global _TRANSPORT, _SEND_RETRY
    _SEND_RETRY = send_retry
    if _TRANSPORT is None:
        register_opts(conf)
        allowed = ALLOWED_EXMODS + [m for m in exmods if m not in ALLOWED_EXMODS]
        _TRANSPORT = messaging.get_rpc_transport(conf, allowed_remote_exmods=allowed)
    return _TRANSPORT


def cleanup():
    global _TRANSPORT
    if _TRANSPORT is not None:
        _TRANSPORT.cleanup()
        _TRANSPORT = None


def get_transport():
    if _TRANSPORT is None:
        raise RuntimeError('common.rpc.init() has not been called')
    return _TRANSPORT


def _upgrade_level_opt(name, help_text=None):
    return cfg.StrOpt(name, help=help_text or
                      'Highest RPC API version to send to %s; set during rolling '
                      'upgrades to the oldest version still running.' % name)


def list_upgrade_levels(names):
    """``[upgrade_levels]`` entries for a service's ``list_opts`` (sample configs)."""
    return [('upgrade_levels', [_upgrade_level_opt(name) for name in names])]


def register_upgrade_level(conf, name, help_text=None):
    """Declare ``[upgrade_levels] <name>``: the RPC version cap for a client."""
    opt = _upgrade_level_opt(name, help_text)
    try:
        conf.register_opt(opt, group='upgrade_levels')
    except cfg.DuplicateOptError:
        pass
    return opt


def get_client(target, version_cap=None, serializer=None, timeout=None):
    return messaging.get_rpc_client(get_transport(), target, version_cap=version_cap,
                                    serializer=RequestContextSerializer(serializer),
                                    timeout=timeout, retry=_SEND_RETRY)


def require_version(client, version, service):
    """Raise a 409 when ``[upgrade_levels] <service>`` caps ``client`` below
    ``version``: callers check before they change anything, so a request the
    cap refuses leaves no half-done work behind."""
    if not client.can_send_version(version):
        raise exception.RPCVersionCapped(service=service, version=version)


def get_server(target, endpoints, serializer=None):
    return messaging.get_rpc_server(get_transport(), target, endpoints,
                                    executor='threading',
                                    serializer=RequestContextSerializer(serializer),
                                    access_policy=messaging.DefaultRPCAccessPolicy)
