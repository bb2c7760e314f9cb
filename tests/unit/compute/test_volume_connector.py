"""This host's connector properties, as sent to the volume service."""

import pytest

from services.compute.compute import volumes as compute_volumes


class _Brick:
    def __init__(self, fail=None):
        self.fail = fail

    def get_connector_properties(self, root_helper, my_ip, multipath, enforce, host=None):
        if self.fail:
            raise self.fail
        return {'ip': my_ip, 'host': host, 'initiator': 'iqn.2026-11.test:node'}


@pytest.fixture(autouse=True)
def fresh_cache(env):
    compute_volumes.connector_properties.cache_clear()
    yield
    compute_volumes.connector_properties.cache_clear()


def test_os_brick_properties_with_host_and_platform(monkeypatch):
    monkeypatch.setattr(compute_volumes, '_os_brick', lambda: _Brick())
    props = compute_volumes.connector_properties('cmp1')
    assert props['initiator'] == 'iqn.2026-11.test:node'
    assert (props['host'], props['ip']) == ('cmp1', '127.0.0.1')
    assert props['platform']


def test_unprivileged_probe_failure_still_gives_a_connector(monkeypatch):
    # As an unprivileged daemon, os-brick's privileged helpers cannot start.
    monkeypatch.setattr(compute_volumes, '_os_brick',
                        lambda: _Brick(PermissionError(13, 'Permission denied', 'sudo')))
    props = compute_volumes.connector_properties('cmp1')
    assert (props['host'], props['ip'], props['multipath']) == ('cmp1', '127.0.0.1', False)
    assert props['os_type'] and props['platform']
    assert 'initiator' not in props


def test_the_local_connector_connects_with_the_basic_connector(monkeypatch, tmp_path):
    """What the file backend answers is connected without any privilege."""
    disk = tmp_path / 'volume-1'
    disk.write_bytes(b'\0' * 512)
    info = compute_volumes.connect({'driver_volume_type': 'local',
                                    'data': {'device_path': str(disk), 'format': 'raw'}})
    assert info['data']['device_path'] == str(disk)
    assert info['driver_volume_type'] == 'local'
