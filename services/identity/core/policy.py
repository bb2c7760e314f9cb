"""/v3/policies: opaque policy blobs stored for other services (keystone
keeps them without interpreting them, and so do we)."""

from services.identity.core import new_id

_FIELDS = ('type', 'blob')


class PolicyManager:

    def __init__(self, conf, driver, state):
        self.conf = conf
        self.driver = driver
        self.state = state

    @staticmethod
    def _extra(values):
        return {k: v for k, v in values.items() if k not in _FIELDS + ('id', 'links')}

    def create(self, values):
        ref = self.driver.create({'id': new_id(), 'type': values['type'],
                                  'blob': values['blob'], 'extra': self._extra(values)})
        self.state.bump()
        return ref

    def get(self, policy_id):
        return self.driver.get(policy_id)

    def list(self, hints=None):
        return self.driver.list(hints or {})

    def update(self, policy_id, values):
        current = self.driver.get(policy_id)
        changes = {k: values[k] for k in _FIELDS if k in values}
        extra = self._extra(values)
        if extra:
            changes['extra'] = dict(current['extra'], **extra)
        ref = self.driver.update(policy_id, changes) if changes else current
        self.state.bump()
        return ref

    def delete(self, policy_id):
        self.driver.delete(policy_id)
        self.state.bump()
