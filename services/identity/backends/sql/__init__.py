"""SQL identity drivers (SQLAlchemy 2 through an oslo.db enginefacade).

One module per driver; :mod:`.session` holds what they share.
"""

from services.identity.backends.sql import app_cred
from services.identity.backends.sql import assignment
from services.identity.backends.sql import catalog
from services.identity.backends.sql import credential
from services.identity.backends.sql import identity
from services.identity.backends.sql import records
from services.identity.backends.sql import resource
from services.identity.backends.sql import revoke
from services.identity.backends.sql import trust

ResourceDriver = resource.ResourceDriver
IdentityDriver = identity.IdentityDriver
AssignmentDriver = assignment.AssignmentDriver
CatalogDriver = catalog.CatalogDriver
ApplicationCredentialDriver = app_cred.ApplicationCredentialDriver
RevokeDriver = revoke.RevokeDriver
CredentialDriver = credential.CredentialDriver
TrustDriver = trust.TrustDriver


def build_drivers(context_manager):
    """All SQL drivers on one enginefacade transaction context."""
    from services.identity.backends import Drivers
    return Drivers(resource=ResourceDriver(context_manager),
                   identity=IdentityDriver(context_manager),
                   assignment=AssignmentDriver(context_manager),
                   catalog=CatalogDriver(context_manager),
                   app_cred=ApplicationCredentialDriver(context_manager),
                   revoke=RevokeDriver(context_manager),
                   credential=CredentialDriver(context_manager),
                   trust=TrustDriver(context_manager),
                   records=records.build(context_manager))
