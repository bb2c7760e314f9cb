"""OS-OAUTH1 consumers (the registry of OAuth1 clients).  The delegation
flow itself (request and access tokens) is not served yet.  As in
keystone the consumer secret is kept as issued: OAuth1's HMAC-SHA1
signatures are checked against it."""

import uuid

from services.identity import exception
from services.identity.core import new_id


class OAuth1Manager:

    def __init__(self, conf, driver, state):
        self.conf = conf
        self.driver = driver
        self.state = state

    @staticmethod
    def _extra(values):
        return {k: v for k, v in values.items()
                if k not in ('id', 'description', 'secret', 'links')}

    def create_consumer(self, values):
        ref = self.driver.create({'id': new_id(), 'description': values.get('description'),
                                  'secret': uuid.uuid4().hex, 'extra': self._extra(values)})
        self.state.bump()
        return ref

    def get_consumer(self, consumer_id):
        return self.driver.get(consumer_id)

    def list_consumers(self, hints=None):
        return self.driver.list(hints or {})

    def update_consumer(self, consumer_id, values):
        if 'secret' in values:
            raise exception.ValidationError(reason='a consumer\'s secret cannot be changed')
        current = self.driver.get(consumer_id)
        changes = {}
        if 'description' in values:
            changes['description'] = values['description']
        extra = self._extra(values)
        if extra:
            changes['extra'] = dict(current['extra'], **extra)
        ref = self.driver.update(consumer_id, changes) if changes else current
        self.state.bump()
        return ref

    def delete_consumer(self, consumer_id):
        self.driver.delete(consumer_id)
        self.state.bump()
