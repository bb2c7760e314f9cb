"""Microversion 2.95: an evacuated server is left stopped (SHUTOFF) on its
new host; before 2.95 it keeps the state it had (a stopped server stays
stopped, an active one runs).  Through API, conductor, scheduler and two
fake-driver computes over the fake RPC transport."""

import pytest

from services.compute.compute import rpcapi as compute_rpcapi
from tests.unit.compute.conftest import ADMIN, headers


def _host_down(cloud, host):
    services = cloud.app.get('/v2.1/os-services?binary=nova-compute&host=%s' % host,
                             headers=headers()).json['services']
    cloud.app.put_json('/v2.1/os-services/%s' % services[0]['id'], {'forced_down': True},
                       headers=headers())


def _evacuate(cloud, server_id, version, status=202):
    return cloud.app.post_json('/v2.1/servers/%s/action' % server_id, {'evacuate': {}},
                               headers=headers(ADMIN, version), status=status)


def _booted(cloud, stop=False):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    if stop:
        cloud.action(server_id, {'os-stop': None})
        cloud.wait(server_id, 'SHUTOFF')
    return server_id


@pytest.mark.parametrize('version,stop,status,power', [
    ('2.95', False, 'SHUTOFF', 4),
    ('2.95', True, 'SHUTOFF', 4),
    ('2.94', False, 'ACTIVE', 1),
    ('2.94', True, 'SHUTOFF', 4),
])
def test_evacuated_server_state(cloud, version, stop, status, power):
    server_id = _booted(cloud, stop)
    cloud.add_compute('node2')
    _host_down(cloud, 'node1')
    _evacuate(cloud, server_id, version)
    server = cloud.wait(server_id, status)
    assert server['OS-EXT-SRV-ATTR:host'] == 'node2'
    assert server['OS-EXT-STS:vm_state'] == status.lower().replace('shutoff', 'stopped')
    assert server['OS-EXT-STS:power_state'] == power
    assert cloud.computes['node2'].driver._guests[server_id]['power_state'] == power
    # A stopped evacuee starts like any stopped server.
    if status == 'SHUTOFF':
        cloud.action(server_id, {'os-start': None})
        cloud.wait(server_id, 'ACTIVE')


def test_a_compute_cap_below_the_target_state_refuses_2_95(cloud, monkeypatch):
    server_id = _booted(cloud)
    cloud.add_compute('node2')
    _host_down(cloud, 'node1')
    real = compute_rpcapi.ComputeAPI.__init__

    def capped(self):
        real(self)
        monkeypatch.setattr(self.client, 'can_send_version',
                            lambda version: version not in ('1.9', '1.10'))
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, '__init__', capped)
    fault = _evacuate(cloud, server_id, '2.95', status=409).json
    assert 'compute RPC API 1.10' in fault['conflictingRequest']['message']
    assert cloud.show(server_id)['OS-EXT-STS:task_state'] is None  # nothing begun
    _evacuate(cloud, server_id, '2.94')
    assert cloud.wait(server_id, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'node2'
