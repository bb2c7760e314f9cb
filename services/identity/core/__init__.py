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
import time
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


class ReadCache:
    """Entity reads memoised until this process writes anything (the
    StateVersion moves) or ``ttl`` seconds pass, so token validation does
    not re-read the same user, project and domain on every request.  The
    ``ttl`` bounds how stale a change made by another API worker can be.
    NotFound is not cached."""

    _MAX = 50000

    def __init__(self, state, ttl):
        self.state = state
        self.ttl = ttl
        self._version = None
        self._data = {}

    def get(self, key, loader):
        if self.ttl <= 0:
            return loader()
        if self._version != self.state.value:
            self._data = {}
            self._version = self.state.value
        now = time.monotonic()
        hit = self._data.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        version = self.state.value
        value = loader()
        if version == self.state.value:
            if len(self._data) >= self._MAX:
                self._data = {}
            self._data[key] = (now + self.ttl, value)
        return value


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
    credential: object
    trust: object
    limit: object
    policy: object
    ec2: object
    endpoint_filter: object
    access_rule: object
    oauth1: object
    domain_config: object


def build_managers(conf, drivers, publisher=None):
    """The managers on ``drivers``; ``publisher`` sends revocation events to
    the other APIs (``common.revocation.bus.Publisher``, or None)."""
    from services.identity.core import access_rule
    from services.identity.core import app_cred
    from services.identity.core import assignment
    from services.identity.core import catalog
    from services.identity.core import credential
    from services.identity.core import domain_config
    from services.identity.core import ec2
    from services.identity.core import endpoint_filter
    from services.identity.core import identity
    from services.identity.core import limit
    from services.identity.core import oauth1
    from services.identity.core import policy
    from services.identity.core import resource
    from services.identity.core import revoke
    from services.identity.core import trust

    state = StateVersion()
    revoke_mgr = revoke.RevokeManager(conf, drivers.revoke, state, publisher)
    resource_mgr = resource.ResourceManager(conf, drivers.resource, state, revoke_mgr)
    identity_mgr = identity.IdentityManager(conf, drivers.identity, state, revoke_mgr,
                                            resource_mgr)
    assignment_mgr = assignment.AssignmentManager(conf, drivers.assignment, state,
                                                  revoke_mgr, resource_mgr, identity_mgr)
    catalog_mgr = catalog.CatalogManager(conf, drivers.catalog, state)
    app_cred_mgr = app_cred.ApplicationCredentialManager(
        conf, drivers.app_cred, state, revoke_mgr, identity_mgr, assignment_mgr)
    credential_mgr = credential.CredentialManager(conf, drivers.credential, state,
                                                  identity_mgr, resource_mgr)
    trust_mgr = trust.TrustManager(conf, drivers.trust, state, revoke_mgr, identity_mgr,
                                   resource_mgr, assignment_mgr)
    assignment_mgr.trust = trust_mgr
    limit_mgr = limit.LimitManager(conf, drivers.records['registered_limit'],
                                   drivers.records['limit'], state, catalog_mgr, resource_mgr)
    policy_mgr = policy.PolicyManager(conf, drivers.records['policy'], state)
    ec2_mgr = ec2.Ec2Manager(conf, credential_mgr, identity_mgr, resource_mgr, trust_mgr)
    ep_filter_mgr = endpoint_filter.EndpointFilterManager(conf, drivers.records, state,
                                                          catalog_mgr, resource_mgr)
    catalog_mgr.endpoint_filter = ep_filter_mgr
    access_rule_mgr = access_rule.AccessRuleManager(conf, drivers.records, state)
    oauth1_mgr = oauth1.OAuth1Manager(conf, drivers.records['consumer'], state)
    domain_config_mgr = domain_config.DomainConfigManager(
        conf, drivers.records['domain_config'], state, resource_mgr)
    managers = Managers(conf=conf, state=state, resource=resource_mgr,
                        identity=identity_mgr, assignment=assignment_mgr,
                        catalog=catalog_mgr, app_cred=app_cred_mgr, revoke=revoke_mgr,
                        credential=credential_mgr, trust=trust_mgr, limit=limit_mgr,
                        policy=policy_mgr, ec2=ec2_mgr,
                        endpoint_filter=ep_filter_mgr, access_rule=access_rule_mgr,
                        oauth1=oauth1_mgr, domain_config=domain_config_mgr)
    # deletions cascade across concerns; the managers reach each other here
    resource_mgr.managers = managers
    identity_mgr.managers = managers
    return managers
