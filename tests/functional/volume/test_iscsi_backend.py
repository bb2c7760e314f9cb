"""The iscsi backend on the real volume daemons: alto-volume with
``volume_driver = iscsi`` and a tgtd of this test.  The attachments API
hands out a target and CHAP login of the attachment's own, that QEMU's own
initiator logs in with (``qemu-img info``, no guest); deleting the
attachment withdraws it; the CHAP secret reaches no daemon log and no
record file others can read."""

import json
import os
import stat
import time

import pytest

from tests.functional.volume import fixtures
from tests.functional.volume import tgt

pytestmark = pytest.mark.functional
GiB = 1 << 30


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, identity_server, image_server):
    workdir = tmp_path_factory.mktemp('volume-iscsi')
    with tgt.running(workdir) as daemon:
        c = fixtures.VolumeCloud(
            workdir, 'sqlite:///%s/volume.sqlite' % workdir, identity_server, extra={
                'volume': {'volume_driver': 'iscsi'},
                'iscsi': {'target_port': daemon.port, 'tgt_control_port': daemon.control,
                          'target_prefix': 'iqn.2010-10.org.altostratus.ft:'}})
        c.register()
        try:
            c.start()
            c.tgtd = daemon
            yield c
        finally:
            c.stop()


def _wait(cloud, token, project, volume_id, status, timeout=30):
    deadline = time.time() + timeout
    while True:
        volume = cloud.request('GET', '/%s/volumes/%s' % (project, volume_id), token=token,
                               expect=200)['volume']
        if volume['status'] == status:
            return volume
        assert time.time() < deadline, 'volume %s stayed %s' % (volume_id, volume['status'])
        time.sleep(0.2)


def test_attachment_gets_a_chap_target_qemu_logs_in_to(cloud):
    token, project = cloud.token()
    volume = cloud.request('POST', '/%s/volumes' % project,
                           {'volume': {'size': 1, 'name': 'iscsi-1'}}, token=token,
                           expect=202)['volume']
    _wait(cloud, token, project, volume['id'], 'available')
    services = cloud.request('GET', '/%s/os-services?binary=cinder-volume' % project,
                             token=token, expect=200)['services']
    assert services and services[0]['state'] == 'up'

    connector = {'host': 'cmp1', 'ip': '127.0.0.1', 'initiator': None, 'platform': 'x86_64',
                 'os_type': 'linux', 'multipath': False, 'mountpoint': '/dev/vdb'}
    attachments = []
    for server in ('2f7ae3a5-7fd0-4f6e-9c0f-2f9cfd0b6a11',):
        body = cloud.request('POST', '/%s/attachments' % project, {'attachment': {
            'volume_uuid': volume['id'], 'instance_uuid': server, 'connector': connector}},
            token=token, expect=200)
        attachments.append(body['attachment'])
    info = attachments[0]['connection_info']
    data = info['data']
    assert info['driver_volume_type'] == 'iscsi'
    assert data['target_iqn'] == 'iqn.2010-10.org.altostratus.ft:%s' % attachments[0]['id']
    assert data['target_portal'] == '127.0.0.1:%d' % cloud.tgtd.port
    assert data['auth_method'] == 'CHAP' and data['target_lun'] == 1

    ok, out = tgt.qemu_reads(data)
    assert ok, out
    assert json.loads(out)['virtual-size'] == GiB
    ok, out = tgt.qemu_reads(data, password='not-the-password')
    assert not ok and 'Authentication failure' in out

    records = cloud.workdir / 'iscsi-targets'
    assert stat.S_IMODE(os.stat(records).st_mode) == 0o700
    for name in os.listdir(records):
        assert stat.S_IMODE(os.stat(records / name).st_mode) == 0o600

    cloud.request('DELETE', '/%s/attachments/%s' % (project, attachments[0]['id']),
                  token=token, expect=200)
    deadline = time.time() + 15
    while os.listdir(records):
        assert time.time() < deadline, 'the export was not withdrawn'
        time.sleep(0.2)
    ok, out = tgt.qemu_reads(data)
    assert not ok

    for log in cloud.workdir.glob('*.log'):
        assert data['auth_password'] not in log.read_text(errors='replace'), log.name
    cloud.request('DELETE', '/%s/volumes/%s' % (project, volume['id']), token=token,
                  expect=202)
