"""Business logic of the identity service, one manager per concern.

Managers sit between the API and the storage drivers: they generate ids,
hash secrets, enforce the rules keystone enforces (cascades, hierarchy,
implied roles) and record revocation events.  Every write bumps a shared
:class:`StateVersion` so caches of derived data (effective roles, the
catalog, validated tokens) are dropped at once.
"""

import dataclasses
import itertools
import threading
import uuid


def new_id():
    return uuid.uuid4().hex


class StateVersion:
    """A counter bumped on every write this process makes."""

    def __init__(self):
        self._counter = itertools.count(1)
        self.value = 0
        self._lock = threading.Lock()

    def bump(self):
        with self._lock:
            self.value = next(self._counter)


@dataclasses.dataclass
class Managers:
    conf: object
    state: StateVersion
    resource: object
    identity: object
    assignment: object
    catalog: object
    app_cred: object
    revoke: object


def build_managers(conf, drivers):
    from services.identity.core import app_cred
    from services.identity.core import assignment
    from services.identity.core import catalog
    from services.identity.core import identity
    from services.identity.core import resource
    from services.identity.core import revoke

    state = StateVersion()
    revoke_mgr = revoke.RevokeManager(conf, drivers.revoke, state)
    resource_mgr = resource.ResourceManager(conf, drivers.resource, state, revoke_mgr)
    identity_mgr = identity.IdentityManager(conf, drivers.identity, state, revoke_mgr,
                                            resource_mgr)
    assignment_mgr = assignment.AssignmentManager(conf, drivers.assignment, state,
                                                  revoke_mgr, resource_mgr, identity_mgr)
    catalog_mgr = catalog.CatalogManager(conf, drivers.catalog, state)
    app_cred_mgr = app_cred.ApplicationCredentialManager(
        conf, drivers.app_cred, state, revoke_mgr, identity_mgr, assignment_mgr)
    managers = Managers(conf=conf, state=state, resource=resource_mgr,
                        identity=identity_mgr, assignment=assignment_mgr,
                        catalog=catalog_mgr, app_cred=app_cred_mgr, revoke=revoke_mgr)
    # deletions cascade across concerns; the managers reach each other here
    resource_mgr.managers = managers
    identity_mgr.managers = managers
    return managers
