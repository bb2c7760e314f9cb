"""The check that follows keystonemiddleware: refuse revoked tokens.

keystonemiddleware caches what identity said about a token for
``token_cache_time``; this check compares the validated token
(``keystone.token_info``) with the revocation events the process received
and answers 401, with the service's fault body, for a token an event
matches.  It also drops the token from keystonemiddleware's cache, so the
next use asks identity again.
"""

from keystonemiddleware import auth_token
from oslo_log import log as logging

from common import exception
from common.revocation import model

LOG = logging.getLogger(__name__)


class RevocationCheck:

    def __init__(self, app, events, auth_protocol=None):
        self.app = app
        self.events = events
        #: the keystonemiddleware instance in front of us (cache, re-validation)
        self.auth_protocol = auth_protocol

    def __call__(self, environ, start_response):
        info = environ.get('keystone.token_info')
        if info is not None and environ.get('HTTP_X_IDENTITY_STATUS') == 'Confirmed':
            token = model.token_values(info)
            verdict = self.events.check(token) if token is not None else None
            if verdict is not None:
                self._refuse_unless_valid(environ.get('HTTP_X_AUTH_TOKEN'), token, verdict)
        return self.app(environ, start_response)

    def _refuse_unless_valid(self, token_id, token, verdict):
        self._forget(token_id)
        if verdict == model.UNSURE:
            if self.auth_protocol is None or not token_id:
                return  # nothing to ask: behave as without events
            try:
                self.auth_protocol.fetch_token(token_id)
                return   # identity still accepts it (and it is cached again)
            except auth_token.InvalidToken:
                pass
        LOG.info('Refused a revoked token (audit id %s)', token.audit_id)
        raise exception.Unauthorized()

    def _forget(self, token_id):
        cache = getattr(self.auth_protocol, '_token_cache', None)
        if cache is None or not token_id:
            return
        try:
            cache.set(token_id, None)   # a cached None reads as a miss
        except Exception as exc:  # a cache outage must not turn a 401 into a 500
            LOG.warning('Could not drop a revoked token from the token cache: %s', exc)
