"""The token of a console URL: which server's VNC display (host and port)
it opens, until when. The conductor stores only the token's SHA-256; the
token itself goes back once, to the compute that asked for it, inside the
URL it hands out."""

import hashlib
import secrets
import time
import urllib.parse

from oslo_versionedobjects import fields

from services.compute.objects import base


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@base.register
class ConsoleAuthToken(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'console_type': fields.StringField(),
        'host': fields.StringField(),
        'port': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'access_url_base': fields.StringField(nullable=True),
        'expires': fields.IntegerField(),
        #: Set by authorize() only; never stored.
        'token': fields.StringField(nullable=True),
    }

    @base.remotable
    def authorize(self, ttl):
        """Make a new token valid for ``ttl`` seconds and store its hash."""
        token = secrets.token_urlsafe(32)
        now = int(time.time())
        values = base.db().console_token_create({
            'token_hash': token_hash(token), 'console_type': self.console_type,
            'host': self.host, 'port': self.port, 'instance_uuid': self.instance_uuid,
            'access_url_base': self.access_url_base, 'expires': now + ttl, 'now': now})
        self._from_db(self._context, values, self)
        self.token = token

    @base.remotable_classmethod
    def validate(cls, context, token):
        """The unexpired token's record; InvalidToken otherwise."""
        return cls._from_db(context, base.db().console_token_get_valid(
            token_hash(token or ''), int(time.time())))

    @base.remotable_classmethod
    def clean_for_instance(cls, context, instance_uuid):
        base.db().console_tokens_delete_for_instance(instance_uuid)

    @property
    def access_url(self):
        """The URL a client opens: noVNC (1.1 on) takes the WebSocket path
        with the token in its ``path`` parameter; older ones read ``token``."""
        if self.console_type == 'novnc':
            query = urllib.parse.urlencode({'path': '?token=%s' % self.token})
        else:
            query = urllib.parse.urlencode({'token': self.token})
        return '%s?%s' % (self.access_url_base, query)
