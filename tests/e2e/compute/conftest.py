"""Fixtures for the libvirt driver's end-to-end tests: libvirtd, the built
guest, a driver on a private instances directory and domain prefix."""

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from tests.e2e import libvirt_guests

REPO = Path(__file__).resolve().parents[3]
BUILD = REPO / 'deploy' / 'images' / 'build.sh'
URI = os.environ.get('ALTO_E2E_LIBVIRT_URI', 'qemu:///system')
BOOT_TIMEOUT = float(os.environ.get('ALTO_E2E_BOOT_TIMEOUT', '150'))
BOOTED = 'alto-guest: booted '

FIGURES = []


def record_figure(name, value, unit='s'):
    FIGURES.append((name, value, unit))


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section('libvirt driver figures')
        for name, value, unit in FIGURES:
            terminalreporter.write_line('%s: %.2f %s' % (name, value, unit))


def _virsh_ok():
    proc = subprocess.run(['virsh', '-c', URI, 'version'], capture_output=True, text=True,
                          timeout=30, check=False)
    return proc.returncode == 0


@pytest.fixture(scope='session')
def libvirtd():
    """libvirtd answering on URI; started (virtlogd first) when it is not."""
    pytest.importorskip('libvirt')
    for binary in ('virsh', 'libvirtd', 'virtlogd', 'qemu-system-x86_64', 'qemu-img'):
        if shutil.which(binary) is None:
            pytest.skip('%s is not installed (apt-get install qemu-system-x86 qemu-utils '
                        'libvirt-daemon-system libvirt-clients)' % binary)
    if os.geteuid() != 0:
        pytest.skip('qemu:///system needs root')
    if _virsh_ok():
        return URI
    # No systemd here: start the daemons the way SANDBOX.md says.
    if subprocess.run(['pgrep', '-x', 'virtlogd'], capture_output=True, check=False).returncode:
        subprocess.run(['virtlogd', '-d'], check=True, timeout=30)
    if subprocess.run(['pgrep', '-x', 'libvirtd'], capture_output=True, check=False).returncode:
        subprocess.run(['libvirtd', '-d'], check=True, timeout=30)
    deadline = time.monotonic() + 30
    while not _virsh_ok():
        assert time.monotonic() < deadline, 'libvirtd did not answer on %s' % URI
        time.sleep(0.5)
    return URI


@pytest.fixture(scope='session')
def guest_image():
    """deploy/images/build.sh's output (cached between runs)."""
    start = time.monotonic()
    proc = subprocess.run([str(BUILD)], capture_output=True, text=True, timeout=900,
                          check=False)
    assert proc.returncode == 0, 'build.sh failed:\n%s' % proc.stderr[-3000:]
    record_figure('build.sh (cached when nothing changed)', time.monotonic() - start)
    result = dict(line.split('=', 1) for line in proc.stdout.splitlines() if '=' in line)
    for key in ('kernel', 'ramdisk', 'disk'):
        assert Path(result[key]).is_file(), result
    return result


@pytest.fixture
def workdir():
    """A directory QEMU (running as its own user) can reach: not pytest's
    0700 tmp_path."""
    path = Path(tempfile.mkdtemp(prefix='alto-e2e-libvirt-', dir='/var/tmp'))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def libvirt_driver(libvirtd, guest_image, workdir):
    """A LibvirtDriver on ``workdir`` whose domains carry a prefix of this
    test run only; whatever it leaves behind is destroyed afterwards."""

    from common import config
    from services.compute import conf as compute_conf
    from services.compute.virt.libvirt import driver as libvirt_driver_mod

    conf = cfg.CONF
    config.register_common_opts(conf)
    compute_conf.register_opts(conf, with_clients=False)
    fixture = config_fixture.Config(conf)
    fixture.setUp()
    conf([], project='altostratus', default_config_files=[])
    prefix = 'alto-e2e-%s-' % uuid.uuid4().hex[:8]
    fixture.config(state_path=str(workdir))
    fixture.config(group='libvirt', connection_uri=libvirtd, domain_prefix=prefix,
                   instances_path=str(workdir / 'instances'), vif_bridge='',
                   soft_reboot_timeout=60, shutdown_timeout=60,
                   # every boot of a test stays countable in the console output
                   console_log_max_bytes=8 * 1024 * 1024)
    drv = libvirt_driver_mod.LibvirtDriver()
    drv.init_host('e2e')
    # The compute manager's image cache: the images as the image service holds them.
    base = workdir / 'instances' / '_base'
    base.mkdir(parents=True)
    for key in ('kernel', 'ramdisk', 'disk'):
        shutil.copy(guest_image[key], base / key)
    drv.e2e_base = base
    drv.e2e_prefix = prefix
    try:
        yield drv
    finally:
        libvirt_guests.remove_domains(libvirtd, prefix)
        fixture.cleanUp()
        conf.reset()
