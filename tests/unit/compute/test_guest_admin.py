"""Server diagnostics, changePassword, injectNetworkInfo, the instance
usage audit (os-instance_usage_audit_log) and the clean-up of a resize's
source when the server is deleted on the destination, through API,
conductor and compute managers with the fake driver over the fake RPC
transport."""

import datetime
import hashlib
import time

import pytest

from services.compute import clients
from services.compute.compute import usage_audit
from services.compute.objects import instance as inst_obj
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

READER = {'X-User-Id': 'reader', 'X-Project-Id': 'demo', 'X-Roles': 'reader'}


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor(vcpus=2, ram=96, **{'OS-FLV-EXT-DATA:ephemeral': 1})
    c.compute = c.add_compute('node1')
    return c


def _active(cloud, **server):
    server_id = cloud.boot(**server)['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def _diagnostics(cloud, server_id, version='2.48', who=ADMIN, status=200):
    return cloud.app.get('/v2.1/servers/%s/diagnostics' % server_id,
                         headers=headers(who, version), status=status).json


def _instance(cloud, server_id):
    return inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id)


# -- diagnostics -------------------------------------------------------------------

def test_diagnostics_standard_form(cloud):
    server_id = _active(cloud)
    port = cloud.show(server_id)['addresses']['private'][0]
    body = _diagnostics(cloud, server_id)
    assert set(body) == {'state', 'driver', 'hypervisor', 'hypervisor_os', 'uptime',
                         'config_drive', 'num_cpus', 'num_disks', 'num_nics',
                         'cpu_details', 'disk_details', 'nic_details', 'memory_details'}
    assert (body['state'], body['driver'], body['config_drive']) == ('running', 'fake', False)
    assert body['num_cpus'] == 2 and [c['id'] for c in body['cpu_details']] == [0, 1]
    assert body['memory_details'] == {'maximum': 96, 'used': 96}
    # Root and ephemeral disk of the flavor, one NIC with the port's MAC.
    assert body['num_disks'] == 2 and len(body['disk_details']) == 2
    assert set(body['disk_details'][0]) == {'read_bytes', 'read_requests', 'write_bytes',
                                            'write_requests', 'errors_count'}
    assert body['num_nics'] == 1
    assert body['nic_details'][0]['mac_address'] == port['OS-EXT-IPS-MAC:mac_addr']
    assert isinstance(body['uptime'], int) and body['uptime'] >= 0


def test_diagnostics_legacy_form_below_2_48(cloud):
    server_id = _active(cloud)
    body = _diagnostics(cloud, server_id, version='2.47')
    assert 'cpu_details' not in body and 'state' not in body
    assert set(body) >= {'cpu0_time', 'cpu1_time', 'vda_read', 'vda_read_req', 'vda_write',
                         'vda_write_req', 'vda_errors', 'vdb_read', 'memory',
                         'memory-actual'}
    assert body['memory'] == 96 * 1024
    assert any(key.endswith('_rx_packets') for key in body)


def test_diagnostics_is_admin_only_and_needs_a_running_guest(cloud):
    server_id = _active(cloud)
    assert 'forbidden' in _diagnostics(cloud, server_id, who=DEMO, status=403)
    _diagnostics(cloud, 'f' * 8 + '-0000-0000-0000-' + '0' * 12, status=404)
    cloud.action(server_id, {'os-stop': None})
    cloud.wait(server_id, 'SHUTOFF')
    fault = _diagnostics(cloud, server_id, status=409)['conflictingRequest']
    assert 'power state shutdown' in fault['message']


# -- changePassword -----------------------------------------------------------------

def test_change_password_reaches_the_driver(cloud):
    server_id = _active(cloud)
    resp = cloud.action(server_id, {'changePassword': {'adminPass': 'n3w-Pass'}})
    assert resp.status_int == 202 and not resp.body
    guest = _instance(cloud, server_id)
    assert cloud.compute.driver.admin_password_sha256(guest) == \
        hashlib.sha256(b'n3w-Pass').hexdigest()
    assert guest.task_state is None
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                            headers=headers(DEMO)).json['instanceActions']
    assert actions[0]['action'] == 'changePassword'


@pytest.mark.parametrize('body', [{'changePassword': {}},
                                  {'changePassword': {'adminPass': 5}},
                                  {'changePassword': {'adminPass': 'x', 'extra': 1}},
                                  {'changePassword': None}])
def test_change_password_bad_bodies(cloud, body):
    server_id = _active(cloud)
    assert 'badRequest' in cloud.action(server_id, body, status=400).json


def test_change_password_refused_when_not_active_or_by_a_reader(cloud):
    server_id = _active(cloud)
    cloud.action(server_id, {'changePassword': {'adminPass': 'x'}}, who=READER, status=403)
    cloud.action(server_id, {'os-stop': None})
    cloud.wait(server_id, 'SHUTOFF')
    fault = cloud.action(server_id, {'changePassword': {'adminPass': 'x'}},
                         status=409).json['conflictingRequest']
    assert 'vm_state stopped' in fault['message']


def test_change_password_the_driver_refuses_is_a_409_and_ends_the_task(cloud, monkeypatch):
    from services.compute import exception
    server_id = _active(cloud)

    def refuse(instance, new_pass, user='root'):
        raise exception.InstanceAgentNotEnabled()
    monkeypatch.setattr(cloud.compute.driver, 'set_admin_password', refuse)
    fault = cloud.action(server_id, {'changePassword': {'adminPass': 'x'}},
                         status=409).json['conflictingRequest']
    assert fault['message'] == 'QEMU guest agent is not enabled'
    assert _instance(cloud, server_id).task_state is None


# -- injectNetworkInfo --------------------------------------------------------------

def test_inject_network_info_refreshes_addresses_from_the_network(cloud):
    server_id = _active(cloud)
    port_id = _instance(cloud, server_id).network_info[0]['port_id']

    def readdress(data):  # changed in the network service, behind compute's back
        data[port_id]['fixed_ips'] = [{'ip_address': '192.0.2.200'}]
    clients.network_client().ports.update(readdress)
    assert cloud.show(server_id)['addresses']['private'][0]['addr'] != '192.0.2.200'
    cloud.action(server_id, {'injectNetworkInfo': None}, who=DEMO, status=403)
    cloud.action(server_id, {'injectNetworkInfo': None}, who=ADMIN)
    deadline = time.time() + 10
    while time.time() < deadline:
        addresses = cloud.show(server_id)['addresses']['private']
        if addresses[0]['addr'] == '192.0.2.200':
            break
        time.sleep(0.05)
    assert [a['addr'] for a in addresses] == ['192.0.2.200']
    vif = _instance(cloud, server_id).network_info[0]
    assert vif['port_id'] == port_id and vif['network_name'] == 'private'


def test_refresh_keeps_known_ports_first_and_drops_deleted_ones(cloud):
    server_id = _active(cloud)
    instance = _instance(cloud, server_id)
    port_id = instance.network_info[0]['port_id']
    net = clients.network_client()

    def change(data):
        data['extra-port'] = {'id': 'extra-port', 'network_id': data[port_id]['network_id'],
                              'device_id': server_id, 'mac_address': 'fa:16:3e:aa:bb:cc',
                              'fixed_ips': [{'ip_address': '192.0.2.99'}],
                              'status': 'DOWN'}
    net.ports.update(change)
    netdev = {'datapath_type': 'netdev'}
    instance.network_info = [dict(instance.network_info[0], preserve_on_delete=True,
                                  vif_details=netdev)]
    vifs = net.refresh_network_info(cloud.env.admin_context(), instance)
    assert [v['port_id'] for v in vifs] == [port_id, 'extra-port']
    assert vifs[0]['preserve_on_delete'] is True and vifs[1]['preserve_on_delete'] is False
    # the binding's details a listing does not show stay as they were
    assert vifs[0]['vif_details'] == netdev and vifs[1]['vif_details'] == {}
    assert vifs[1]['active'] is False
    net.ports.update(lambda data: data.pop(port_id))
    assert [v['port_id'] for v in net.refresh_network_info(
        cloud.env.admin_context(), instance)] == ['extra-port']


# -- list filters -------------------------------------------------------------------

def test_tenant_id_filter_only_with_all_tenants(cloud):
    mine = _active(cloud, who=ADMIN)
    theirs = _active(cloud)

    def ids(query):
        return {s['id'] for s in cloud.app.get('/v2.1/servers' + query,
                                               headers=headers(ADMIN)).json['servers']}
    assert ids('?tenant_id=demo') == {mine}
    assert ids('?all_tenants=1&tenant_id=demo') == {theirs}
    assert ids('?all_tenants=1') == {mine, theirs}
    address = cloud.show(theirs)['addresses']['private'][0]['addr']
    assert ids('?all_tenants=1&ip=%s' % address.replace('.', '\\.')) == {theirs}
    assert ids('?all_tenants=1&ip=^10\\.') == set()


# -- instance usage audit --------------------------------------------------------------

@pytest.mark.parametrize('unit,now,period', [
    ('month', datetime.datetime(2026, 1, 15, 8), ('2025-12-01', '2026-01-01')),
    ('month', datetime.datetime(2026, 3, 1), ('2026-02-01', '2026-03-01')),
    ('day', datetime.datetime(2026, 3, 1, 0, 30), ('2026-02-28', '2026-03-01')),
    ('year', datetime.datetime(2026, 3, 1), ('2025-01-01', '2026-01-01'))])
def test_last_completed_period(unit, now, period):
    begin, end = usage_audit.last_completed_period(unit, now)
    assert (begin.date().isoformat(), end.date().isoformat()) == period


def test_usage_hours_are_clipped_to_the_period():
    begin, end = datetime.datetime(2026, 1, 1), datetime.datetime(2026, 1, 2)
    server = {'uuid': 'x', 'flavor': {'vcpus': 1}, 'launched_at': '2025-12-31T23:00:00',
              'terminated_at': '2026-01-01T06:00:00'}
    assert usage_audit.usage_hours(server, begin, end) == 6
    with pytest.raises(ValueError):
        usage_audit.usage_hours(dict(server, flavor=None), begin, end)


def _audit_log(cloud, before=None, who=ADMIN, status=200):
    path = '/v2.1/os-instance_usage_audit_log'
    if before is not None:
        path += '/' + before
    return cloud.app.get(path, headers=headers(who), status=status).json


def test_audit_log_reports_hosts_done_and_not_run(cloud):
    cloud.add_compute('node2')
    server_id = _active(cloud)
    later = datetime.datetime.utcnow() + datetime.timedelta(days=2)
    ctx = cloud.env.admin_context()
    host = _instance(cloud, server_id).host
    log = usage_audit.audit(ctx, host, 'month', now=later.replace(day=1) +
                            datetime.timedelta(days=32))
    assert log.state == 'DONE' and log.task_items == 1 and log.errors == 0
    # Once per period: a second run does nothing.
    assert usage_audit.audit(ctx, host, 'month', now=later.replace(day=1) +
                             datetime.timedelta(days=32)) is None
    before = (later.replace(day=1) + datetime.timedelta(days=32)).strftime(
        '%Y-%m-%d %H:%M:%S')
    report = _audit_log(cloud, before)['instance_usage_audit_log']
    other = ({'node1', 'node2'} - {host}).pop()
    assert report['num_hosts'] == 2 and report['num_hosts_done'] == 1
    assert report['hosts_not_run'] == [other] and report['num_hosts_not_run'] == 1
    assert report['total_instances'] == 1 and report['total_errors'] == 0
    assert report['overall_status'] == '1 of 2 hosts done. 0 errors.'
    assert report['log'][host]['state'] == 'DONE'
    assert report['log'][host]['instances'] == 1
    assert report['log'][host]['message'].startswith(
        'Instance usage audit ran for host %s, 1 instances' % host)
    begin, end = usage_audit.last_completed_period(
        'month', later.replace(day=1) + datetime.timedelta(days=32))
    assert (report['period_beginning'], report['period_ending']) == (str(begin), str(end))


def test_audit_log_index_after_the_periodic_task(cloud):
    _active(cloud)
    cloud.compute.audit_instance_usage()
    report = _audit_log(cloud)['instance_usage_audit_logs']
    assert report['num_hosts_done'] == 1 and report['hosts_not_run'] == []
    # The server started in the current period: the last completed one had none.
    assert report['total_instances'] == 0
    assert report['overall_status'] == 'ALL hosts done. 0 errors.'
    assert set(report) == {'hosts_not_run', 'log', 'num_hosts', 'num_hosts_done',
                           'num_hosts_not_run', 'num_hosts_running', 'overall_status',
                           'period_beginning', 'period_ending', 'total_errors',
                           'total_instances'}


def test_audit_log_is_admin_only_and_checks_the_timestamp(cloud):
    assert 'forbidden' in _audit_log(cloud, who=DEMO, status=403)
    _audit_log(cloud, '2026-01-01 00:00:00', who=DEMO, status=403)
    fault = _audit_log(cloud, 'yesterday', status=400)['badRequest']
    assert fault['message'] == 'Invalid timestamp for date yesterday'
    assert _audit_log(cloud, '2012-07-05 10:00:00.5')['instance_usage_audit_log'][
        'period_beginning'] == '2012-06-01 00:00:00'


# -- resize: delete on the destination ----------------------------------------------

def test_deleting_a_resized_server_on_the_destination_cleans_the_source(cloud):
    cloud.add_compute('node2')
    server_id = _active(cloud)
    source = _instance(cloud, server_id).host
    cloud.action(server_id, {'migrate': None}, who=ADMIN)
    cloud.wait(server_id, 'VERIFY_RESIZE')
    dest = _instance(cloud, server_id).host
    assert dest != source
    # The source keeps the guest for a revert until the resize is confirmed.
    assert server_id in cloud.computes[source].driver.list_instance_uuids()
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    deadline = time.time() + 10
    while time.time() < deadline and (
            server_id in cloud.computes[source].driver.list_instance_uuids()):
        time.sleep(0.05)
    assert server_id not in cloud.computes[source].driver.list_instance_uuids()
    assert server_id not in cloud.computes[dest].driver.list_instance_uuids()
