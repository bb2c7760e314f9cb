"""The compute daemons over RabbitMQ and MariaDB with ``compute_driver =
libvirt`` on one or more hosts, noauth and the file-backed fake image and
network clients.

The fake image client has no image bits, so each compute host's image cache
(``<state_path>/instances/_base``) is filled beforehand with the built
kernel, ramdisk and disk -- what the compute would have downloaded from the
image service. With several hosts each has its own ``state_path``
(``<workdir>/<host>``) and domain prefix, as separate machines would.
"""

import contextlib
import shutil
import uuid

from tests.e2e import libvirt_guests
from tests.functional.compute import fixtures

ADMIN = {'project': 'admin', 'roles': 'admin,member,reader'}
KERNEL_ID = str(uuid.uuid4())
RAMDISK_ID = str(uuid.uuid4())
IMAGE_ID = str(uuid.uuid4())


def _fill_cache(guest_image, instances):
    base = instances / '_base'
    base.mkdir(parents=True)
    for image_id, key in ((KERNEL_ID, 'kernel'), (RAMDISK_ID, 'ramdisk'), (IMAGE_ID, 'disk')):
        shutil.copy(guest_image[key], base / image_id)


@contextlib.contextmanager
def running(libvirtd, guest_image, workdir, connection, hosts, extra=None):
    """A started cloud with flavor ``guest`` (128 MiB, 1 GiB); with one host
    its state_path is ``workdir``. ``extra``: more config sections."""
    prefix = 'alto-e2e-%s-' % uuid.uuid4().hex[:8]
    cloud = fixtures.ComputeCloud(workdir, connection, hosts=hosts, extra=dict({
        'compute': {'compute_driver': 'libvirt', 'sync_power_state_interval': 5},
        'libvirt': {'connection_uri': libvirtd, 'domain_prefix': prefix, 'vif_bridge': '',
                    'shutdown_timeout': 30, 'soft_reboot_timeout': 30,
                    'console_log_max_bytes': 1024 * 1024}}, **(extra or {})))
    host_confs = {}
    if len(hosts) == 1:
        _fill_cache(guest_image, workdir / 'instances')
    else:
        for host in hosts:
            state = workdir / host
            state.mkdir(mode=0o755)
            _fill_cache(guest_image, state / 'instances')
            host_confs[host] = workdir / ('libvirt-%s.conf' % host)
            host_confs[host].write_text(
                '[DEFAULT]\nstate_path = %s\n[libvirt]\ndomain_prefix = %s%s-\n'
                % (state, prefix, host))
    cloud.fake_dir.mkdir(parents=True, exist_ok=True)
    try:
        cloud.create_vhost()
        cloud.write_config()
        cloud.seed_fakes()
        from services.compute.clients import fake
        fake.seed(str(cloud.fake_dir), images=[
            {'id': KERNEL_ID, 'name': 'alto-guest-kernel', 'visibility': 'public',
             'disk_format': 'aki'},
            {'id': RAMDISK_ID, 'name': 'alto-guest-ramdisk', 'visibility': 'public',
             'disk_format': 'ari'},
            {'id': IMAGE_ID, 'name': 'alto-guest', 'visibility': 'public',
             'disk_format': 'qcow2',
             'properties': {'kernel_id': KERNEL_ID, 'ramdisk_id': RAMDISK_ID,
                            'os_command_line': 'console=tty0 console=ttyS0',
                            'hw_disk_bus': 'virtio', 'hw_vif_model': 'virtio'}}])
        cloud.db_sync()
        cloud._spawn('conductor', 'alto-compute-conductor', '--config-file',
                     str(cloud.db_config_file))
        cloud._spawn('scheduler', 'alto-compute-scheduler')
        cloud._spawn('api', 'alto-compute-api')
        for host in hosts:
            cloud.start_compute(host, extra_conf=host_confs.get(host))
        cloud.wait_ready(timeout=120)
        cloud.request('POST', '/flavors', {'flavor': {'name': 'm1.guest', 'ram': 128,
                                                      'vcpus': 1, 'disk': 1, 'id': 'guest'}},
                      **ADMIN)
        cloud.e2e_prefix = prefix
        yield cloud
    finally:
        cloud.stop()
        libvirt_guests.remove_domains(libvirtd, prefix)
