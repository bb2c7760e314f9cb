from tests.functional.identity.fixtures import identity_server  # noqa: F401
from tests.functional.network.fixtures import mysql_database  # noqa: F401
from tests.functional.network.fixtures import network_server  # noqa: F401
from tests.functional.network.fixtures import network_server_mysql_noauth  # noqa: F401
