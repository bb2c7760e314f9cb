import json
import types
import uuid

import pytest
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from common import config
from services.compute import conf as compute_conf
from services.compute.virt.libvirt import disks
from services.compute.virt.libvirt import driver as libvirt_driver
from tests.unit.compute.virt import fakelibvirt

CONF = cfg.CONF


@pytest.fixture
def conf(tmp_path):
    config.register_common_opts(CONF)
    compute_conf.register_opts(CONF, with_clients=False)
    fixture = config_fixture.Config(CONF)
    fixture.setUp()
    CONF([], project='altostratus', default_config_files=[])
    fixture.config(state_path=str(tmp_path))
    fixture.config(group='libvirt', instances_path=str(tmp_path / 'instances'),
                   domain_prefix='alto-test-', vif_bridge='br-none-here', qemu_group='',
                   soft_reboot_timeout=0, shutdown_timeout=0, virt_type='auto')
    yield fixture
    fixture.cleanUp()
    CONF.reset()


class QemuImg:
    """Records qemu-img commands and makes the files they would make."""

    def __init__(self, virtual_size=64 * 1024 * 1024, fmt='qcow2'):
        self.calls = []
        self.virtual_size = virtual_size
        self.fmt = fmt

    def __call__(self, *args):
        self.calls.append(args)
        if args[0] == 'info':
            return json.dumps({'format': self.fmt, 'virtual-size': self.virtual_size,
                               'full-backing-filename': self._backing(args[-1])})
        if args[0] == 'create':
            path = args[args.index('-F') + 2] if '-b' in args else args[4]
            self._touch(path, args[args.index('-b') + 1] if '-b' in args else '')
        elif args[0] == 'rebase':
            self._touch(args[-1], args[args.index('-b') + 1])
        elif args[0] == 'convert':
            self._touch(args[-1])
        return ''

    @staticmethod
    def _touch(path, backing=''):
        # The backing file's name travels in the file, as in a qcow2 header.
        with open(path, 'wb') as f:
            f.write(b'QFI\xfb' + backing.encode())

    @staticmethod
    def _backing(path):
        try:
            with open(path, 'rb') as f:
                return f.read()[4:].decode() or None
        except OSError:
            return None

    def made(self):
        """(kind, path, size) of every file created."""
        out = []
        for args in self.calls:
            if args[0] == 'create' and '-b' in args:
                index = args.index('-F') + 2
                out.append(('overlay', args[index], args[index + 1:]))
            elif args[0] == 'create':
                out.append(('blank', args[4], args[5:]))
        return out


@pytest.fixture
def qemu_img(monkeypatch):
    fake = QemuImg()
    monkeypatch.setattr(disks, '_qemu_img', fake)
    return fake


@pytest.fixture
def conn():
    return fakelibvirt.FakeConnection()


@pytest.fixture
def drv(conf, conn, qemu_img, monkeypatch):
    monkeypatch.setattr(libvirt_driver, '_cpu_virtualises', lambda: False)
    driver = libvirt_driver.LibvirtDriver(connect=lambda uri: conn)
    driver.init_host('host1')
    return driver


@pytest.fixture
def instance():
    return types.SimpleNamespace(uuid=str(uuid.uuid4()), display_name='vm1')


@pytest.fixture
def base_image(tmp_path):
    path = tmp_path / 'instances' / '_base' / 'image-1'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'QFI\xfb')
    for name in ('kernel-1', 'ramdisk-1'):
        (path.parent / name).write_bytes(b'x')
    return path


FLAVOR = {'name': 'm1.tiny', 'memory_mb': 128, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
          'swap': 0}


def kernel_image(base_image, **props):
    properties = {'kernel_id': 'kernel-1', 'ramdisk_id': 'ramdisk-1',
                  'os_command_line': 'console=ttyS0 alto.md_tries=1'}
    properties.update(props)
    return {'id': 'image-1', 'properties': properties,
            'kernel_path': str(base_image.parent / 'kernel-1'),
            'ramdisk_path': str(base_image.parent / 'ramdisk-1')}
