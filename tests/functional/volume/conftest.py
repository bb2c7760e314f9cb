from tests.functional.identity.fixtures import identity_server  # noqa: F401
from tests.functional.image.fixtures import image_server  # noqa: F401
