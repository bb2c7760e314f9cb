"""Resize and revert with real guests between two compute hosts on this
machine: two alto-compute daemons, each with its own ``state_path`` and
domain prefix, on the one libvirtd.

The guest is moved for real: the source powers it off, keeps its directory
as ``<uuid>_resize`` and copies the disks into the other host's instances
directory, where the guest is defined with the bigger flavor and boots again
(its console log, moved along, gets one more "booted" line).
"""

import time
import xml.etree.ElementTree as ET

import pytest

from tests.e2e.compute import libvirt_cloud
from tests.e2e.compute.conftest import BOOT_TIMEOUT, BOOTED, record_figure
from tests.e2e.libvirt_guests import wait_for
from tests.functional.compute.fixtures import mysql_compute_db  # noqa: F401

pytestmark = pytest.mark.e2e

ADMIN = libvirt_cloud.ADMIN


@pytest.fixture
def cloud(libvirtd, guest_image, workdir, mysql_compute_db):  # noqa: F811
    with libvirt_cloud.running(libvirtd, guest_image, workdir, mysql_compute_db,
                               ('lv1', 'lv2')) as cloud:
        cloud.request('POST', '/flavors', {'flavor': {
            'name': 'm1.bigger', 'ram': 192, 'vcpus': 2, 'disk': 2, 'id': 'bigger'}}, **ADMIN)
        yield cloud


def _server(cloud, server_id):
    return cloud.request('GET', '/servers/%s' % server_id, **ADMIN)['server']


def _wait_status(cloud, server_id, status, timeout=BOOT_TIMEOUT):
    def reached():
        server = _server(cloud, server_id)
        return server if server['status'] in (status, 'ERROR') else None
    server = wait_for(reached, timeout, status)
    if server['status'] != status:
        for name in ('compute-lv1', 'compute-lv2', 'conductor'):
            print(cloud.log_tail(name, 80))
    assert server['status'] == status, server.get('fault')
    return server


def _boots(cloud, server_id):
    return cloud.request('POST', '/servers/%s/action' % server_id,
                         {'os-getConsoleOutput': {}}).get('output', '').count(BOOTED)


def _only_host(cloud, host):
    """Leave ``host`` the only enabled compute, so the scheduler picks it."""
    for other in cloud.hosts:
        action = 'enable' if other == host else 'disable'
        cloud.request('PUT', '/os-services/%s' % action,
                      {'host': other, 'binary': 'nova-compute'}, version='2.52', **ADMIN,
                      expect=200)


def _domain_xml(cloud, host, server_id):
    import libvirt
    conn = libvirt.open(cloud.extra['libvirt']['connection_uri'])
    try:
        dom = conn.lookupByName('%s%s-%s' % (cloud.e2e_prefix, host, server_id))
        return ET.fromstring(dom.XMLDesc(0)), dom.isActive()
    finally:
        conn.close()


def _resize(cloud, server_id, flavor, dest):
    _only_host(cloud, dest)
    start = time.monotonic()
    cloud.request('POST', '/servers/%s/action' % server_id, {'resize': {'flavorRef': flavor}},
                  expect=202)
    server = _wait_status(cloud, server_id, 'VERIFY_RESIZE')
    assert server['OS-EXT-SRV-ATTR:host'] == dest
    return time.monotonic() - start


def test_resize_confirm_and_revert_between_hosts(cloud):
    _only_host(cloud, 'lv1')
    body = {'server': {'name': 'mover', 'imageRef': libvirt_cloud.IMAGE_ID,
                       'flavorRef': 'guest', 'networks': 'none'}}
    server_id = cloud.request('POST', '/servers', body, expect=202)['server']['id']
    assert _wait_status(cloud, server_id, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'lv1'
    wait_for(lambda: _boots(cloud, server_id) == 1, BOOT_TIMEOUT, 'the first boot')
    lv1 = cloud.workdir / 'lv1' / 'instances'
    lv2 = cloud.workdir / 'lv2' / 'instances'

    # Resize to the bigger flavor: the guest moves to lv2 and boots there.
    figure = _resize(cloud, server_id, 'bigger', 'lv2')
    record_figure('resize lv1 -> lv2 to VERIFY_RESIZE', figure)
    tree, active = _domain_xml(cloud, 'lv2', server_id)
    assert active and tree.findtext('memory') == str(192 * 1024)
    assert tree.findtext('vcpu') == '2'
    assert tree.find('devices/disk/source').get('file') == str(lv2 / server_id / 'disk')
    assert (lv1 / (server_id + '_resize') / 'disk').is_file()
    assert not (lv1 / server_id).exists()
    start = time.monotonic()
    wait_for(lambda: _boots(cloud, server_id) == 2, BOOT_TIMEOUT, 'the boot on lv2')
    record_figure('VERIFY_RESIZE -> "booted" again on lv2', time.monotonic() - start)

    cloud.request('POST', '/servers/%s/action' % server_id, {'confirmResize': None},
                  expect=204)
    server = _wait_status(cloud, server_id, 'ACTIVE')
    assert server['flavor']['original_name'] == 'm1.bigger'
    assert server['OS-EXT-SRV-ATTR:host'] == 'lv2'
    wait_for(lambda: not (lv1 / (server_id + '_resize')).exists(), 60, 'the source cleaned')

    # Resize again, to lv1, then revert: the guest runs on lv2 as it was.
    cloud.request('POST', '/flavors', {'flavor': {
        'name': 'm1.biggest', 'ram': 256, 'vcpus': 2, 'disk': 3, 'id': 'biggest'}}, **ADMIN)
    _resize(cloud, server_id, 'biggest', 'lv1')
    wait_for(lambda: _boots(cloud, server_id) == 3, BOOT_TIMEOUT, 'the boot on lv1')
    tree, active = _domain_xml(cloud, 'lv1', server_id)
    assert active and tree.findtext('memory') == str(256 * 1024)
    start = time.monotonic()
    cloud.request('POST', '/servers/%s/action' % server_id, {'revertResize': None},
                  expect=202)
    server = _wait_status(cloud, server_id, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'lv2'
    assert server['flavor']['original_name'] == 'm1.bigger'
    tree, active = _domain_xml(cloud, 'lv2', server_id)
    assert active and tree.findtext('memory') == str(192 * 1024)
    assert not (lv1 / server_id).exists()
    assert not (lv2 / (server_id + '_resize')).exists()
    # lv2's console log as it was kept, plus the boot after the revert.
    wait_for(lambda: _boots(cloud, server_id) == 3, BOOT_TIMEOUT, 'the boot after the revert')
    record_figure('revert -> "booted" again on lv2', time.monotonic() - start)

    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
    wait_for(lambda: cloud.request('GET', '/servers/%s' % server_id).get('itemNotFound'), 90,
             'the delete')
    assert not (lv2 / server_id).exists()
