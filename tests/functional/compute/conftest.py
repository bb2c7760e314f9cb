from tests.functional.compute.fixtures import mysql_compute_db  # noqa: F401
from tests.functional.identity.fixtures import identity_server  # noqa: F401
from tests.functional.image.fixtures import image_server  # noqa: F401
from tests.functional.network.fixtures import network_server  # noqa: F401
