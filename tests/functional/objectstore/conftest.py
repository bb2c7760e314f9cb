from tests.functional.objectstore.fixtures import identity  # noqa: F401
from tests.functional.objectstore.fixtures import objectstore  # noqa: F401
from tests.functional.objectstore.fixtures import api  # noqa: F401
from tests.functional.objectstore.fixtures import tokens  # noqa: F401
