"""The libvirt driver tells the image cache which cached files its guests use."""

import os

from tests.unit.compute.virt.conftest import FLAVOR, kernel_image


def test_libvirt_reports_backing_files_kernels_and_kept_resizes(drv, instance, base_image,
                                                                tmp_path):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    own = tmp_path / 'instances' / instance.uuid
    expected = {str(base_image), str(own / 'kernel.kernel-1'), str(own / 'ramdisk.ramdisk-1')}
    assert drv.base_files_in_use() == expected
    # What a resize keeps for a revert still counts.
    target = drv.migration_target(instance)
    target['path'] = str(tmp_path / 'elsewhere' / instance.uuid)
    drv.migrate_disk_and_power_off(None, instance, target, FLAVOR)
    assert os.path.isdir(drv._resize_dir(instance.uuid))
    assert drv.base_files_in_use() == expected
    drv.destroy(None, instance, [])
    assert drv.base_files_in_use() == set()
