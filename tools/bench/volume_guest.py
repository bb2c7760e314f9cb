#!/usr/bin/env python3
"""In-guest disk benchmark: sequential write and read to an attached volume
against the guest's own root disk, in one guest, one QEMU, one run.

Boots the guest that ``deploy/images/build.sh`` builds through the libvirt
driver as the e2e tests do (``tests/e2e/compute``: software emulation, a
config drive, the image cache filled with the built kernel, ramdisk and
disk; the root disk is the driver's qcow2 overlay on the cached image),
makes a volume with the volume service's own driver (``--backend file``: a
raw file connected by os-brick's LOCAL connector; ``iscsi``: a tgt target
of a private tgtd on 127.0.0.1 that QEMU's own initiator logs in to) and
hot-plugs it as vdb.  The guest's user-data script waits for vdb, then for
each round and each disk writes ``--mb`` MiB of zeros with ``dd bs=1M
oflag=direct`` at ``--offset`` MiB into the raw device (past the root
disk's 64 MiB file system), and reads them back with ``iflag=direct``;
times come from the guest's ``/proc/uptime`` (10 ms), printed on its serial
console, which this script reads.  Prints MB/s (MiB/s) per round and the
median, plus the cache mode of each disk in the live domain.

Run as root, with nothing else booting guests (2 shared cores):

    python tools/bench/volume_guest.py [--mb 256] [--offset 128] [--rounds 3]
        [--backend file|iscsi]
"""

import argparse
import base64
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
import uuid
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e import libvirt_guests  # noqa: E402

URI = os.environ.get('ALTO_E2E_LIBVIRT_URI', 'qemu:///system')
BOOTED = 'alto-guest: booted '
FLAVOR = {'name': 'bench', 'memory_mb': 256, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
          'swap': 0}
GUEST_SCRIPT = '''#!/bin/sh
while [ ! -b /dev/vdb ]; do sleep 0.3; done
up() { cut -d' ' -f1 /proc/uptime; }
echo "alto-bench: sectors vda=$(cat /sys/block/vda/size) vdb=$(cat /sys/block/vdb/size)"
r=1
while [ $r -le %(rounds)d ]; do
  for dev in vda vdb; do
    a=$(up)
    dd if=/dev/zero of=/dev/$dev bs=1M seek=%(offset)d count=%(mb)d oflag=direct 2>/dev/null
    sync
    b=$(up)
    dd if=/dev/$dev of=/dev/null bs=1M skip=%(offset)d count=%(mb)d iflag=direct 2>/dev/null
    c=$(up)
    echo "alto-bench: round=$r dev=$dev write=$a,$b read=$b,$c"
  done
  r=$((r + 1))
done
echo "alto-bench: done"
'''
RESULT = re.compile(r'alto-bench: round=(\d+) dev=(vd[ab]) write=([\d.]+),([\d.]+) '
                    r'read=([\d.]+),([\d.]+)')


def _virsh_ok():
    return subprocess.run(['virsh', '-c', URI, 'version'], capture_output=True,
                          timeout=30, check=False).returncode == 0


def start_libvirtd():
    """libvirtd answering on URI (virtlogd and libvirtd started without
    systemd, as SANDBOX.md says)."""
    if _virsh_ok():
        return
    for daemon in ('virtlogd', 'libvirtd'):
        if subprocess.run(['pgrep', '-x', daemon], capture_output=True,
                          check=False).returncode:
            subprocess.run([daemon, '-d'], check=True, timeout=30)
    libvirt_guests.wait_for(_virsh_ok, 30, 'libvirtd')


def build_guest():
    proc = subprocess.run([str(ROOT / 'deploy' / 'images' / 'build.sh')], capture_output=True,
                          text=True, timeout=900, check=True)
    return dict(line.split('=', 1) for line in proc.stdout.splitlines() if '=' in line)


def make_driver(workdir, prefix):
    from oslo_config import cfg

    from common import config
    from services.compute import conf as compute_conf
    from services.compute.virt.libvirt import driver as libvirt_driver

    conf = cfg.CONF
    config.register_common_opts(conf)
    compute_conf.register_opts(conf, with_clients=False)
    conf([], project='altostratus', default_config_files=[])
    conf.set_override('state_path', str(workdir))
    for name, value in (('connection_uri', URI), ('domain_prefix', prefix),
                        ('instances_path', str(workdir / 'instances')), ('vif_bridge', ''),
                        ('console_log_max_bytes', 8 * 1024 * 1024)):
        conf.set_override(name, value, group='libvirt')
    drv = libvirt_driver.LibvirtDriver()
    drv.init_host('bench')
    return drv


def make_storage(backend, workdir, tgtd):
    volumes_dir = types.SimpleNamespace(volumes_dir=str(workdir / 'volumes'),
                                        qemu_img='qemu-img')
    if backend == 'iscsi':
        from services.volume.drivers import iscsi
        storage = iscsi.ISCSIDriver(types.SimpleNamespace(
            volume=volumes_dir,
            iscsi=types.SimpleNamespace(target_ip_address='127.0.0.1', target_port=tgtd.port,
                                        target_prefix='iqn.2010-10.org.altostratus.bench:',
                                        tgt_control_port=tgtd.control, tgtadm='tgtadm',
                                        targets_dir=str(workdir / 'iscsi-targets'))))
    else:
        from services.volume.drivers import file as file_driver
        storage = file_driver.FileDriver(types.SimpleNamespace(volume=volumes_dir))
    storage.do_setup()
    os.chmod(storage.directory, 0o755)      # QEMU runs as its own user
    return storage


def disk_drivers(drv, instance):
    dom = drv.conn.lookupByName(drv_name(drv, instance))
    out = {}
    for disk in ET.fromstring(dom.XMLDesc(0)).findall('./devices/disk'):
        driver = disk.find('driver')
        out[disk.find('target').get('dev')] = '%s %s, cache=%s' % (
            disk.get('type'), driver.get('type'), driver.get('cache') or 'default')
    return out


def drv_name(drv, instance):
    return drv.bench_prefix + instance.uuid


def run(args, workdir, tgtd=None):
    from services.compute.compute import volumes

    guest = build_guest()
    prefix = 'alto-bench-%s-' % uuid.uuid4().hex[:8]
    drv = make_driver(workdir, prefix)
    drv.bench_prefix = prefix
    base = workdir / 'instances' / '_base'
    base.mkdir(parents=True)
    for key in ('kernel', 'ramdisk', 'disk'):
        shutil.copy(guest[key], base / key)
    image = {'id': 'disk', 'name': 'alto-guest', 'disk_format': 'qcow2',
             'properties': {'kernel_id': 'kernel', 'ramdisk_id': 'ramdisk',
                            'os_command_line': 'console=tty0 console=ttyS0',
                            'hw_disk_bus': 'virtio'},
             'kernel_path': str(base / 'kernel'), 'ramdisk_path': str(base / 'ramdisk')}
    script = GUEST_SCRIPT % {'rounds': args.rounds, 'offset': args.offset, 'mb': args.mb}
    instance = types.SimpleNamespace(
        uuid=str(uuid.uuid4()), id=1, display_name='bench', hostname='bench',
        project_id='bench', key_name=None, key_data=None, config_drive='True', metadata={},
        launch_index=0, availability_zone='nova',
        user_data=base64.b64encode(script.encode()).decode())
    storage = make_storage(args.backend, workdir, tgtd)
    volume_id = str(uuid.uuid4())
    storage.create_volume({'id': volume_id, 'size': args.size})
    connector = {'host': 'bench', 'ip': '127.0.0.1', 'attachment_id': str(uuid.uuid4())}
    connected = None
    try:
        start = time.monotonic()
        drv.spawn(None, instance, image, str(base / 'disk'), [], FLAVOR)
        libvirt_guests.wait_for(lambda: BOOTED in drv.get_console_output(None, instance), 300,
                                'the guest to boot')
        print('guest booted in %.1f s' % (time.monotonic() - start))
        info = storage.initialize_connection({'id': volume_id}, connector)
        connected = dict(volumes.connect(info), serial=volume_id)
        drv.attach_volume(None, instance, connected, '/dev/vdb')
        for dev, what in sorted(disk_drivers(drv, instance).items()):
            print('%s: %s' % (dev, what))
        timeout = 120 + args.rounds * args.mb * 4 / 10.0     # >= 2.5 MB/s each way
        libvirt_guests.wait_for(
            lambda: 'alto-bench: done' in drv.get_console_output(None, instance), timeout,
            'the guest benchmark')
        console = drv.get_console_output(None, instance)
    finally:
        if connected is not None:
            try:
                drv.detach_volume(None, instance, connected, '/dev/vdb')
            except Exception as exc:   # the guest goes anyway
                print('detach: %s' % exc)
            volumes.disconnect(connected)
            storage.terminate_connection({'id': volume_id}, connector)
        try:
            drv.destroy(None, instance, [])
        finally:
            libvirt_guests.remove_domains(URI, prefix)
            storage.delete_volume({'id': volume_id})
    report(args, console)


def report(args, console):
    rates = {('vda', 'write'): [], ('vda', 'read'): [], ('vdb', 'write'): [],
             ('vdb', 'read'): []}
    for match in RESULT.finditer(console):
        rnd, dev = match.group(1), match.group(2)
        w0, w1, r0, r1 = (float(g) for g in match.groups()[2:])
        write, read = args.mb / max(w1 - w0, 0.01), args.mb / max(r1 - r0, 0.01)
        rates[(dev, 'write')].append(write)
        rates[(dev, 'read')].append(read)
        print('round %s %s: write %.1f MB/s (%.2f s), read %.1f MB/s (%.2f s)'
              % (rnd, dev, write, w1 - w0, read, r1 - r0))
    if not rates[('vdb', 'read')]:
        sys.exit('no results on the console:\n' + console[-3000:])
    print('%d MiB sequential, dd bs=1M O_DIRECT, %d rounds, median MB/s (MiB/s):'
          % (args.mb, args.rounds))
    names = {'vda': 'root disk (qcow2 overlay)', 'vdb': 'volume (%s backend)' % args.backend}
    for dev in ('vda', 'vdb'):
        print('  %-28s write %7.1f   read %7.1f' % (
            names[dev], statistics.median(rates[(dev, 'write')]),
            statistics.median(rates[(dev, 'read')])))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--mb', type=int, default=256, help='MiB written and read per disk')
    parser.add_argument('--offset', type=int, default=128,
                        help='MiB into each disk where the test data goes')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--size', type=int, default=1, help='volume size, GiB')
    parser.add_argument('--backend', choices=('file', 'iscsi'), default='file')
    args = parser.parse_args()
    if (args.offset + args.mb) > min(args.size, FLAVOR['root_gb']) * 1024:
        parser.error('--offset + --mb must fit in the 1 GiB root disk and the volume')
    if os.geteuid() != 0:
        sys.exit('run as root (qemu:///system)')
    start_libvirtd()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-bench-guest-', dir='/var/tmp'))
    workdir.chmod(0o755)
    try:
        if args.backend == 'iscsi':
            from tests.functional.volume import tgt
            with tgt.running(workdir) as tgtd:
                run(args, workdir, tgtd)
        else:
            run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
