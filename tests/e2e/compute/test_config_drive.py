"""A libvirt guest with a config drive: the guest of deploy/images reads its
hostname, key and user data from the ISO 9660 drive the driver builds (no
network at all), and the drive goes with the guest."""

import base64
import os
import re
import types
import uuid

import pytest

from tests.e2e.compute.conftest import record_figure
from tests.e2e.compute.test_libvirt_driver import FLAVOR, kernel_image, wait_booted, wait_for

pytestmark = pytest.mark.e2e

KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHc2nW3tmKsM4Bx2bWJq0zY7D1Kq8XoF9R2uW3yT5aLp '
       'e2e@config-drive')


def test_guest_reads_its_config_drive(libvirt_driver):
    drv = libvirt_driver
    instance = types.SimpleNamespace(
        uuid=str(uuid.uuid4()), id=12, display_name='CD Guest', hostname='cd-guest-1',
        project_id='e2e-project', key_name='e2e-key', key_data=KEY, config_drive='True',
        metadata={'purpose': 'e2e'}, launch_index=0, availability_zone='nova',
        user_data=base64.b64encode(b'#!/bin/sh\necho "user-data says $(hostname)"\n').decode())
    network_info = [{'port_id': str(uuid.uuid4()), 'network_id': 'net-1',
                     'mac_address': 'fa:16:3e:12:34:56',
                     'fixed_ips': [{'ip_address': '10.0.0.9', 'version': 4}]}]
    inst_dir = os.path.join(drv.e2e_base.parent, instance.uuid)
    drv.spawn(None, instance, kernel_image(drv), str(drv.e2e_base / 'disk'), network_info,
              dict(FLAVOR, ephemeral_gb=0, swap=0))
    try:
        record_figure('spawn with config drive -> "booted" line',
                      wait_booted(drv, instance, 1))
        console = drv.get_console_output(None, instance)
        booted = re.search(r'alto-guest: booted uuid=(\S*) hostname=(\S*) source=(\S*) '
                           r'keys=(\d+)', console)
        assert booted, console[-3000:]
        assert booted.groups() == (instance.uuid, 'cd-guest-1', 'config-drive', '1')
        assert re.search(r'alto-guest: config drive /dev/\S+', console)
        assert os.path.exists(os.path.join(inst_dir, 'disk.config'))
        wait_for(lambda: 'user-data says cd-guest-1' in drv.get_console_output(None, instance),
                 60, 'the user data script')
    finally:
        drv.destroy(None, instance, [])
    assert not os.path.exists(inst_dir)
