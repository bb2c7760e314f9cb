"""`server create` through the real compute daemons with
``[compute] compute_driver = libvirt``: the guest boots under QEMU, reads
its name and key from its config drive, and its console log reaches the API.

Conductor, scheduler, API and one alto-compute as processes over RabbitMQ
with MariaDB, ``auth_strategy = noauth`` and the file-backed fake image and
network clients. The fake image client has no image bits, so the compute
host's image cache (``state_path/instances/_base``) is filled beforehand
with the built kernel, ramdisk and disk -- what the compute would have
downloaded from the image service.
"""

import base64
import hashlib
import re
import time

import pytest

from tests.e2e.compute import libvirt_cloud
from tests.e2e.compute.conftest import BOOT_TIMEOUT, BOOTED, record_figure
from tests.e2e.libvirt_guests import wait_for
from tests.functional.compute.fixtures import mysql_compute_db  # noqa: F401

pytestmark = pytest.mark.e2e

ADMIN = libvirt_cloud.ADMIN
IMAGE_ID = libvirt_cloud.IMAGE_ID


@pytest.fixture
def cloud(libvirtd, guest_image, workdir, mysql_compute_db):  # noqa: F811
    with libvirt_cloud.running(libvirtd, guest_image, workdir, mysql_compute_db,
                               ('lv1',)) as cloud:
        yield cloud


def _server(cloud, server_id):
    return cloud.request('GET', '/servers/%s' % server_id)['server']


def _console(cloud, server_id, length=None):
    body = {'length': length} if length else {}
    return cloud.request('POST', '/servers/%s/action' % server_id,
                         {'os-getConsoleOutput': body}).get('output', '')


def _ed25519_key(comment):
    """An OpenSSH ed25519 public key line (any 32 bytes make a valid one)."""
    def field(data):
        return len(data).to_bytes(4, 'big') + data
    blob = field(b'ssh-ed25519') + field(hashlib.sha256(comment.encode()).digest())
    return 'ssh-ed25519 %s %s' % (base64.b64encode(blob).decode(), comment)


@pytest.mark.e2e_light
def test_server_create_boots_a_real_guest(cloud):
    key = _ed25519_key('e2e-daemons')
    cloud.request('POST', '/os-keypairs', {'keypair': {'name': 'e2e-key', 'public_key': key}},
                  expect=201)
    start = time.monotonic()
    body = {'server': {'name': 'real-guest', 'imageRef': IMAGE_ID, 'flavorRef': 'guest',
                       'networks': 'auto', 'config_drive': True, 'key_name': 'e2e-key'}}
    server_id = cloud.request('POST', '/servers', body, expect=202)['server']['id']
    server = wait_for(lambda: (lambda s: s if s['status'] in ('ACTIVE', 'ERROR') else None)(
        _server(cloud, server_id)), BOOT_TIMEOUT, 'ACTIVE')
    if server['status'] != 'ACTIVE':
        print(cloud.log_tail('compute-lv1', 200))
        print(cloud.log_tail('conductor', 100))
    assert server['status'] == 'ACTIVE', server.get('fault')
    record_figure('server create -> ACTIVE (daemons)', time.monotonic() - start)
    wait_for(lambda: BOOTED in _console(cloud, server_id), BOOT_TIMEOUT, 'the booted line')
    record_figure('server create -> "booted" in console log show', time.monotonic() - start)
    assert server['OS-EXT-STS:power_state'] == 1
    # The guest read its name and key from the config drive.
    booted = re.search(r'alto-guest: booted uuid=(\S*) hostname=(\S*) source=(\S*) keys=(\d+)',
                       _console(cloud, server_id))
    assert booted and booted.groups() == (server_id, 'real-guest', 'config-drive', '1')
    assert server['config_drive'] == 'True'
    # As Tempest counts: the text after the last newline is a line too.
    assert len(_console(cloud, server_id, length=5).split('\n')) == 5

    cloud.request('POST', '/servers/%s/action' % server_id, {'os-stop': None}, expect=202)
    wait_for(lambda: _server(cloud, server_id)['status'] == 'SHUTOFF', 90, 'SHUTOFF')
    cloud.request('POST', '/servers/%s/action' % server_id, {'os-start': None}, expect=202)
    wait_for(lambda: _server(cloud, server_id)['status'] == 'ACTIVE', 90, 'ACTIVE again')
    wait_for(lambda: _console(cloud, server_id).count(BOOTED) >= 2, BOOT_TIMEOUT, 'second boot')

    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
    wait_for(lambda: cloud.request('GET', '/servers/%s' % server_id).get('itemNotFound'), 90,
          'the delete')
    import libvirt
    conn = libvirt.open(cloud.extra['libvirt']['connection_uri'])
    try:
        assert not [d for d in conn.listAllDomains(0)
                    if d.name().startswith(cloud.e2e_prefix)]
    finally:
        conn.close()
    assert not (cloud.workdir / 'instances' / server_id).exists()
