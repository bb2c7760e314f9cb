#!/usr/bin/env python3
"""Real-guest benchmark: ``server create`` -> booted line against a plain
``virsh create`` of the same domain XML, same run; compute daemon memory
across create/delete cycles.

Starts the compute daemons with ``compute_driver = libvirt`` the way
``tests/e2e/compute/libvirt_cloud.py`` does (conductor, scheduler, API and
one ``alto-compute`` over RabbitMQ, the compute database in a scratch
MariaDB database, noauth, the file-backed fake image and network clients;
the host's image cache filled beforehand with the guest built by
``deploy/images/build.sh``), then:

1. ``--rounds`` times, alternating: ``POST /servers`` (flavor 128 MiB /
   1 GiB, the built kernel + initramfs + disk, config drive) until the guest's
   ``alto-guest: booted`` line is in ``os-getConsoleOutput`` (polled every
   0.2 s); the server's live domain XML is kept and the server deleted; then
   the same XML, renamed and on an overlay and console file of its own,
   booted with ``virsh create`` until the line is in its console file;
2. ``--cycles`` create (until ACTIVE) / delete (until gone) cycles of one
   server: the RSS of ``alto-compute`` (and its children) after the first
   cycle, and every ``--cycles // 5`` cycles after it.

Not measured here: "ten concurrent boots fetch the image once" needs the real
image service behind the compute (the fake client has no image bits).

As root, with QEMU and libvirt installed (SANDBOX.md; virtlogd and libvirtd
are started when they do not answer), RabbitMQ and MariaDB as for the
functional tests:

    sudo .venv/bin/python tools/bench/guests.py [--rounds 3] [--cycles 50]
"""

import argparse
import os
import pathlib
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.compute import libvirt_cloud  # noqa: E402
from tests.functional import databases  # noqa: E402

URI = os.environ.get('ALTO_E2E_LIBVIRT_URI', 'qemu:///system')
BOOTED = 'alto-guest: booted '
BOOT_TIMEOUT = 180


def wait(predicate, timeout, what, step=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit('timed out waiting for %s' % what)
        time.sleep(step)


def virsh_ok():
    return subprocess.run(['virsh', '-c', URI, 'version'], capture_output=True,
                          timeout=30).returncode == 0


def start_libvirtd():
    if virsh_ok():
        return
    for daemon in ('virtlogd', 'libvirtd'):
        if subprocess.run(['pgrep', '-x', daemon], capture_output=True).returncode:
            subprocess.run([daemon, '-d'], check=True, timeout=30)
    wait(virsh_ok, 30, 'libvirtd')


def build_guest():
    proc = subprocess.run([str(ROOT / 'deploy' / 'images' / 'build.sh')], capture_output=True,
                          text=True, timeout=900)
    if proc.returncode:
        raise SystemExit('build.sh failed:\n%s' % proc.stderr[-3000:])
    return dict(line.split('=', 1) for line in proc.stdout.splitlines() if '=' in line)


class Bench:
    def __init__(self, cloud, workdir):
        self.cloud = cloud
        self.workdir = workdir
        self.base_disk = workdir / 'instances' / '_base' / libvirt_cloud.IMAGE_ID

    def server(self, server_id):
        return self.cloud.request('GET', '/servers/%s' % server_id).get('server')

    def create(self, name):
        body = {'server': {'name': name, 'imageRef': libvirt_cloud.IMAGE_ID,
                           'flavorRef': 'guest', 'networks': 'auto', 'config_drive': True}}
        return self.cloud.request('POST', '/servers', body, expect=202)['server']['id']

    def console(self, server_id):
        return self.cloud.request('POST', '/servers/%s/action' % server_id,
                                  {'os-getConsoleOutput': {}}).get('output', '')

    def active(self, server_id):
        server = self.server(server_id)
        if server['status'] == 'ERROR':
            raise SystemExit('server %s: ERROR %s\n%s' % (server_id, server.get('fault'),
                                                          self.cloud.log_tail('compute-lv1')))
        return server['status'] == 'ACTIVE'

    def delete(self, server_id):
        self.cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
        wait(lambda: 'itemNotFound' in self.cloud.request('GET', '/servers/%s' % server_id),
             120, 'the delete of %s' % server_id)

    def domain_xml(self, server_id):
        return subprocess.run(['virsh', '-c', URI, 'dumpxml', self.cloud.e2e_prefix + server_id],
                              capture_output=True, text=True, check=True).stdout

    def through_api(self, index):
        start = time.monotonic()
        server_id = self.create('bench-%d' % index)
        wait(lambda: self.active(server_id), BOOT_TIMEOUT, 'ACTIVE')
        active = time.monotonic() - start
        wait(lambda: BOOTED in self.console(server_id), BOOT_TIMEOUT, 'the booted line')
        booted = time.monotonic() - start
        xml_text = self.keep_files(self.domain_xml(server_id), index)
        self.delete(server_id)
        return active, booted, xml_text

    def keep_files(self, xml_text, index):
        """The XML with the instance's kernel, initramfs and config drive copied
        aside (the delete removes the instance directory)."""
        root = ET.fromstring(xml_text)
        keep = self.workdir / ('virsh-%d' % index)
        keep.mkdir()
        for node in root.findall('os/kernel') + root.findall('os/initrd'):
            node.text = shutil.copy(node.text, keep)
        for source in root.iterfind("devices/disk[@device='cdrom']/source"):
            source.set('file', shutil.copy(source.get('file'), keep))
        return ET.tostring(root, encoding='unicode')

    def with_virsh(self, xml_text, index):
        """The same XML under another name, on its own overlay and console."""
        root = ET.fromstring(xml_text)
        name = '%svirsh-%d' % (self.cloud.e2e_prefix, index)
        root.find('name').text = name
        root.remove(root.find('uuid'))
        devices = root.find('devices')
        disks = devices.findall("disk[@device='disk']")
        overlay = self.workdir / ('virsh-%d.qcow2' % index)
        subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', '-b', str(self.base_disk),
                        '-F', 'qcow2', str(overlay), '1G'], check=True)
        disks[0].find('source').set('file', str(overlay))
        for extra in disks[1:] + devices.findall('interface'):
            devices.remove(extra)   # no NIC: the server's port is gone with it
        log = self.workdir / ('virsh-%d.log' % index)
        for source in root.iterfind('devices/serial/source'):
            source.set('path', str(log))
        for source in root.iterfind('devices/console/source'):
            source.set('path', str(log))
        path = self.workdir / ('virsh-%d.xml' % index)
        path.write_text(ET.tostring(root, encoding='unicode'))
        start = time.monotonic()
        try:
            proc = subprocess.run(['virsh', '-c', URI, 'create', str(path)],
                                  capture_output=True, text=True, timeout=60)
            if proc.returncode:
                raise SystemExit('virsh create failed: %s' % proc.stderr)
            wait(lambda: log.exists() and BOOTED in log.read_text(errors='replace'),
                 BOOT_TIMEOUT, 'the virsh guest', 0.05)
            return time.monotonic() - start
        finally:
            subprocess.run(['virsh', '-c', URI, 'destroy', name], capture_output=True)
            overlay.unlink(missing_ok=True)

    def compute_rss_mib(self):
        return self.cloud.daemons['compute-lv1'].rss_kib() / 1024


def boot_rounds(bench, rounds):
    api, virsh = [], []
    for index in range(rounds):
        active, booted, xml_text = bench.through_api(index)
        plain = bench.with_virsh(xml_text, index)
        api.append(booted)
        virsh.append(plain)
        print('round %d: server create -> ACTIVE %.2f s, -> booted line %.2f s; '
              'virsh create -> booted line %.2f s' % (index + 1, active, booted, plain))
    print('server create / virsh create (sums of %d rounds): %.2f; medians %.2f s / %.2f s'
          % (rounds, sum(api) / sum(virsh), statistics.median(api), statistics.median(virsh)))


def cycles(bench, count):
    every = max(count // 5, 1)
    samples = []
    start = time.monotonic()
    for index in range(count):
        server_id = bench.create('cycle-%d' % index)
        wait(lambda: bench.active(server_id), BOOT_TIMEOUT, 'ACTIVE')
        bench.delete(server_id)
        if index == 0 or (index + 1) % every == 0:
            samples.append((index + 1, bench.compute_rss_mib()))
    print('alto-compute RSS across %d create/delete cycles (%.0f s): %s' % (
        count, time.monotonic() - start,
        ', '.join('%.1f MiB after %d' % (rss, n) for n, rss in samples)))
    print('growth from cycle 1 to %d: %+.1f MiB' % (count, samples[-1][1] - samples[0][1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--cycles', type=int, default=50)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit('run as root (qemu:///system)')
    # a SIGTERM (e.g. from timeout(1)) still stops the daemons and guests
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('terminated'))
    start_libvirtd()
    guest = build_guest()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-bench-guests-', dir='/var/tmp'))
    workdir.chmod(0o755)   # QEMU runs as its own user
    try:
        with databases.scratch_database('mariadb', 'alto_bench_compute') as url:
            with libvirt_cloud.running(URI, guest, workdir, url, ('lv1',)) as cloud:
                bench = Bench(cloud, workdir)
                print('compute daemons up (libvirt driver, %s); load average %.2f'
                      % (URI, os.getloadavg()[0]))
                if args.rounds:
                    boot_rounds(bench, args.rounds)
                if args.cycles:
                    cycles(bench, args.cycles)
                print('load average: %.2f %.2f %.2f' % os.getloadavg())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
