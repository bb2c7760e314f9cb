"""os-hypervisors/{id}/uptime: an RPC call to the host, refused when its
compute service is down."""

import re

from services.compute.virt import driver
from tests.unit.compute.conftest import DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

# The pattern `openstack hypervisor show` reads the line with.
OSC_UPTIME = re.compile(r'\s*(.+)\sup\s+(.+),\s+(.+)\susers?,\s+load average:\s(.+)')


def test_uptime_line_reads_like_uptime():
    line = driver.uptime_line('17:37:14', 2 * 86400 + 2 * 3600 + 33 * 60 + 5,
                              (0.33, 0.36, 0.345))
    assert line == ' 17:37:14 up 2 days,  2:33,  0 users,  load average: 0.33, 0.36, 0.34'
    assert OSC_UPTIME.match(line).groups() == ('17:37:14', '2 days,  2:33', '0',
                                               '0.33, 0.36, 0.34')
    assert driver.uptime_line('09:00:00', 65, (0, 0, 0), users=1) == (
        ' 09:00:00 up 1 min,  1 user,  load average: 0.00, 0.00, 0.00')
    assert 'up 1 day,  1:00,' in driver.uptime_line('09:00:00', 90000, (0, 0, 0))


def test_host_uptime_line_from_proc(tmp_path):
    proc = tmp_path / 'uptime'
    proc.write_text('3725.51 7000.00\n')
    assert ' up  1:02,  0 users,  load average: ' in driver.host_uptime_line(str(proc))
    assert ' up 0 min,' in driver.host_uptime_line(str(tmp_path / 'missing'))


def test_hypervisor_uptime_asks_the_host(env, app):
    cloud = Cloud(env, app)
    cloud.add_compute('node1')
    hyp = app.get('/v2.1/os-hypervisors', headers=headers()).json['hypervisors'][0]
    body = app.get('/v2.1/os-hypervisors/%s/uptime' % hyp['id'], headers=headers()).json
    uptime = body['hypervisor'].pop('uptime')
    assert body == {'hypervisor': {'id': hyp['id'], 'hypervisor_hostname': 'node1',
                                   'state': 'up', 'status': 'enabled'}}
    assert OSC_UPTIME.match(uptime), uptime
    # Below 2.53 the id is the integer one.
    old = app.get('/v2.1/os-hypervisors', headers=headers(version='2.52')).json
    old_id = old['hypervisors'][0]['id']
    body = app.get('/v2.1/os-hypervisors/%s/uptime' % old_id,
                   headers=headers(version='2.52')).json['hypervisor']
    assert body['id'] == old_id and OSC_UPTIME.match(body['uptime'])
    resp = app.get('/v2.1/os-hypervisors/1/uptime', headers=headers(), status=400)
    assert resp.json['badRequest']['message'] == 'Invalid uuid 1'
    resp = app.get('/v2.1/os-hypervisors/%s/uptime' % '6c6a6d4e-64a5-4b5c-8f3d-1e4e9e1c2b7a',
                   headers=headers(), status=404)
    assert 'itemNotFound' in resp.json
    app.get('/v2.1/os-hypervisors/%s/uptime' % hyp['id'], headers=headers(DEMO), status=403)


def test_hypervisor_uptime_of_a_down_host_is_400(env, app):
    cloud = Cloud(env, app)
    cloud.add_compute('node1')
    hyp = app.get('/v2.1/os-hypervisors', headers=headers()).json['hypervisors'][0]
    service = app.get('/v2.1/os-services?binary=nova-compute',
                      headers=headers()).json['services'][0]
    app.put_json('/v2.1/os-services/%s' % service['id'], {'forced_down': True},
                 headers=headers())
    # The host would answer; the API must not ask a host it believes down.
    cloud.computes['node1'].get_host_uptime = None
    resp = app.get('/v2.1/os-hypervisors/%s/uptime' % hyp['id'], headers=headers(),
                   status=400)
    assert resp.json == {'badRequest': {
        'code': 400, 'message': 'Compute service of node1 is unavailable at this time.'}}
