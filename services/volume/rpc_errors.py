"""What a caller sees of an exception raised on the other side of an RPC."""

import time

import oslo_messaging as messaging
from oslo_log import log as logging

from common import exception as common_exc

LOG = logging.getLogger(__name__)
#: how often, and how far apart at first (s, doubled up to RETRY_MAX_DELAY),
#: a call whose peer did not answer is asked again
RETRY_ATTEMPTS = 6
RETRY_DELAY = 1
RETRY_MAX_DELAY = 8
_sleep = time.sleep


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


def retried(func, *args, **kwargs):
    """``func(*args, **kwargs)``, asked again with a growing delay while its
    peer does not answer (a 503 here: a conductor restarting); for calls a
    repeat cannot harm (reads, updates that expect the status they change,
    the removal of a record).  The last 503 is raised."""
    delay = RETRY_DELAY
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            return func(*args, **kwargs)
        except common_exc.ServiceUnavailable as exc:
            if attempt == RETRY_ATTEMPTS:
                raise
            LOG.warning('%s did not get an answer (attempt %d of %d), asking again in '
                        '%ss: %s', getattr(func, '__name__', func), attempt, RETRY_ATTEMPTS,
                        delay, exc)
            _sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY)
