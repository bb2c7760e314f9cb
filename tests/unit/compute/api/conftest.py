import pytest

from tests.unit.compute.test_server_flow import Cloud


@pytest.fixture
def cloud(env, app):
    """A cloud with a flavor and one compute host, settled after the test."""
    c = Cloud(env, app)
    c.flavor()
    c.add_compute('node1')
    yield c
    c.settle()
