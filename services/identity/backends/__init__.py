"""Storage drivers of the identity service.

``base`` defines one abstract driver per concern; ``memory`` and ``sql``
implement all of them, ``templated`` implements the catalog from a file.
The same contract test suite runs against every implementation.
"""

import collections

#: The drivers the identity managers work with.
Drivers = collections.namedtuple(
    'Drivers', ['resource', 'identity', 'assignment', 'catalog', 'app_cred', 'revoke',
                'credential', 'trust', 'records'])
# ``records``: a RecordDriver per kind of ``base.RECORD_KINDS``, keyed by kind


def load_drivers(conf):
    """Build the drivers chosen by ``[storage] backend`` and ``[catalog] driver``.

    ``conf`` must have the options of ``services.identity.conf.storage``
    registered.  For the SQL backend the ``identity`` enginefacade is
    configured from ``[database]`` (once per process).
    """
    if conf.storage.backend == 'memory':
        from services.identity.backends import memory
        from services.identity.backends import memory_records
        from services.identity.backends import memory_trust
        drivers = Drivers(resource=memory.ResourceDriver(),
                          identity=memory.IdentityDriver(),
                          assignment=memory.AssignmentDriver(),
                          catalog=memory.CatalogDriver(),
                          app_cred=memory.ApplicationCredentialDriver(),
                          revoke=memory.RevokeDriver(),
                          credential=memory.CredentialDriver(),
                          trust=memory_trust.TrustDriver(),
                          records=memory_records.build())
    else:
        from common import db
        from services.identity.backends import sql
        context = db.get_context_manager('identity')
        if not context.is_started:
            db.configure('identity', conf)
        drivers = sql.build_drivers(context)
    if conf.catalog.driver == 'templated':
        from services.identity.backends import templated
        drivers = drivers._replace(
            catalog=templated.CatalogDriver(conf.catalog.template_file))
    return drivers
