"""Fixtures of the network data plane's end-to-end tests: Open vSwitch
running, a bridge of the test's own as the integration bridge."""

import os
import shutil
import subprocess
import time
import uuid

import pytest

from tests.e2e.compute.conftest import guest_image  # noqa: F401
from tests.e2e.compute.conftest import libvirtd  # noqa: F401
from tests.e2e.compute.conftest import pytest_terminal_summary  # noqa: F401

OVS_CTL = '/usr/share/openvswitch/scripts/ovs-ctl'


def _ovs_up():
    return subprocess.run(['ovs-vsctl', '--timeout=5', 'show'], capture_output=True,
                          check=False).returncode == 0


@pytest.fixture(scope='session')
def openvswitch():
    """ovsdb-server and ovs-vswitchd, started as SANDBOX.md says when they are not."""
    for binary in ('ovs-vsctl', 'dnsmasq', 'ip', 'ping'):
        if shutil.which(binary) is None:
            pytest.skip('%s is not installed (apt-get install openvswitch-switch '
                        'dnsmasq-base iproute2 iputils-ping)' % binary)
    if os.geteuid() != 0:
        pytest.skip('namespaces and Open vSwitch need root')
    if not _ovs_up():
        subprocess.run([OVS_CTL, 'start', '--system-id=random'], capture_output=True,
                       check=True, timeout=60)
    deadline = time.monotonic() + 30
    while not _ovs_up():
        assert time.monotonic() < deadline, 'Open vSwitch did not start'
        time.sleep(0.5)


@pytest.fixture
def test_bridge(openvswitch):
    """A name for the integration bridge of this test (the OVS agent creates
    it); removed afterwards with every port on it."""
    name = 'br-e2e%s' % uuid.uuid4().hex[:6]
    yield name
    subprocess.run(['ovs-vsctl', '--if-exists', 'del-br', name], capture_output=True,
                   check=False, timeout=30)
