"""A tgtd of one test (the iscsi driver's target): its own control port, its
portal on 127.0.0.1 at a free port; skips when tgt or QEMU's iSCSI driver is
missing."""

import contextlib
import shutil
import socket
import subprocess
import time
import types
import uuid

import pytest


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _answers(control):
    return subprocess.run(['tgtadm', '-C', str(control), '--lld', 'iscsi', '--mode', 'target',
                           '--op', 'show'], capture_output=True, check=False).returncode == 0


def skip_unless_usable():
    if shutil.which('tgtd') is None or shutil.which('tgtadm') is None:
        pytest.skip('tgt is not installed (apt-get install tgt)')
    proc = subprocess.run(['qemu-img', '--help'], capture_output=True, text=True, check=False)
    if 'iscsi' not in proc.stdout:
        pytest.skip('QEMU has no iscsi block driver (apt-get install qemu-block-extra)')
    if subprocess.run(['id', '-u'], capture_output=True, text=True).stdout.strip() != '0':
        pytest.skip('tgtd takes commands from root only')


@contextlib.contextmanager
def running(workdir):
    skip_unless_usable()
    control = 100 + int(uuid.uuid4().int % 800)
    port = _free_port()
    log = open(workdir / 'tgtd.log', 'w')
    daemon = subprocess.Popen(['tgtd', '-f', '-C', str(control),
                               '--iscsi', 'portal=127.0.0.1:%d' % port],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not _answers(control):
            assert daemon.poll() is None and time.monotonic() < deadline, 'tgtd did not start'
            time.sleep(0.2)
        yield types.SimpleNamespace(control=control, port=port)
    finally:
        # tgtd stops on its own command ("system delete"); SIGTERM it ignores
        subprocess.run(['tgtadm', '-C', str(control), '--mode', 'system', '--op', 'delete'],
                       capture_output=True, check=False, timeout=30)
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=10)
        log.close()


def qemu_reads(data, password=None):
    """``qemu-img info`` through QEMU's own initiator with the connection
    data's CHAP login: (ok, output)."""
    host_port = data['target_portal']
    opts = ('driver=iscsi,transport=tcp,portal=%s,target=%s,lun=%s,user=%s,password=%s'
            % (host_port, data['target_iqn'], data['target_lun'], data['auth_username'],
               password or data['auth_password']))
    proc = subprocess.run(['qemu-img', 'info', '--output=json', '--image-opts', opts],
                          capture_output=True, text=True, timeout=60, check=False)
    return proc.returncode == 0, proc.stdout + proc.stderr
