from tests.functional.identity.fixtures import identity_server  # noqa: F401
from tests.functional.identity.fixtures import identity_server_mysql  # noqa: F401
