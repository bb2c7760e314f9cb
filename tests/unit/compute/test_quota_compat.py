"""Quota sets and limits as the Compute API reference shows them per
microversion: below 2.36 also the nova-network era quotas (fixed_ips,
floating_ips, security_groups, security_group_rules) and their limits; the
injected file quotas (and /limits' maxPersonality*) up to 2.56; ``networks``
accepted below 2.36 and shown nowhere, as nova does."""

import pytest

from tests.unit.compute.conftest import ADMIN, DEMO, headers

ENFORCED = {'instances', 'cores', 'ram', 'metadata_items', 'key_pairs', 'server_groups',
            'server_group_members'}
FILES = {'injected_files': 5, 'injected_file_content_bytes': 10240,
         'injected_file_path_bytes': 255}
NETWORK_ERA = {'fixed_ips': -1, 'floating_ips': 10, 'security_groups': 10,
               'security_group_rules': 20}
LIMITS_2_1 = {'maxServerMeta', 'maxTotalInstances', 'maxTotalKeypairs', 'maxServerGroups',
              'maxServerGroupMembers', 'maxTotalCores', 'maxTotalRAMSize',
              'totalInstancesUsed', 'totalCoresUsed', 'totalRAMUsed',
              'totalServerGroupsUsed', 'maxPersonality', 'maxPersonalitySize',
              'maxImageMeta', 'maxTotalFloatingIps', 'maxSecurityGroups',
              'maxSecurityGroupRules', 'totalFloatingIpsUsed', 'totalSecurityGroupsUsed'}
NETWORK_LIMITS = {'maxTotalFloatingIps', 'maxSecurityGroups', 'maxSecurityGroupRules',
                  'totalFloatingIpsUsed', 'totalSecurityGroupsUsed'}


def _get(app, path, version, who=ADMIN):
    return app.get('/v2.1' + path, headers=headers(who, version)).json


@pytest.mark.parametrize('path', ['/os-quota-sets/demo', '/os-quota-sets/demo/defaults'])
def test_quota_set_keys_per_microversion(app, path):
    at_2_1 = _get(app, path, '2.1')['quota_set']
    assert set(at_2_1) == ENFORCED | set(FILES) | set(NETWORK_ERA) | {'id'}
    assert {k: at_2_1[k] for k in NETWORK_ERA} == NETWORK_ERA
    assert {k: at_2_1[k] for k in FILES} == FILES
    assert 'networks' not in at_2_1
    for version in ('2.36', '2.53'):
        later = _get(app, path, version)['quota_set']
        assert set(later) == ENFORCED | set(FILES) | {'id'}
    assert _get(app, path, '2.35')['quota_set'] == at_2_1


def test_quota_detail_per_microversion(app):
    detail = _get(app, '/os-quota-sets/demo/detail', '2.1')['quota_set']
    assert detail['floating_ips'] == {'limit': 10, 'in_use': 0, 'reserved': 0}
    assert detail['injected_files'] == {'limit': 5, 'in_use': 0, 'reserved': 0}
    assert 'floating_ips' not in _get(app, '/os-quota-sets/demo/detail', '2.36')['quota_set']


def test_update_all_quotas_at_2_1_and_what_2_36_refuses(app):
    wanted = {'metadata_items': 256, 'ram': 10240, 'key_pairs': 200, 'instances': 20,
              'server_groups': 20, 'server_group_members': 20, 'cores': 2,
              'fixed_ips': 10, 'floating_ips': 20, 'security_group_rules': 10,
              'security_groups': 20, 'injected_file_content_bytes': 20480,
              'injected_file_path_bytes': 512, 'injected_files': 10}
    resp = app.put_json('/v2.1/os-quota-sets/demo', {'quota_set': dict(
        wanted, force=True, networks=3)}, headers=headers(ADMIN, '2.1'))
    assert resp.json['quota_set'] == wanted  # no id, no networks
    assert _get(app, '/os-quota-sets/demo', '2.1')['quota_set'] == dict(wanted, id='demo')
    later = _get(app, '/os-quota-sets/demo', '2.36')['quota_set']
    assert 'floating_ips' not in later and later['injected_files'] == 10
    for key in ('floating_ips', 'fixed_ips', 'security_groups', 'security_group_rules',
                'networks'):
        app.put_json('/v2.1/os-quota-sets/demo', {'quota_set': {key: 1}},
                     headers=headers(ADMIN, '2.36'), status=400)
    resp = app.put_json('/v2.1/os-quota-sets/demo', {'quota_set': {'injected_files': 3}},
                        headers=headers(ADMIN, '2.36'))
    assert 'floating_ips' not in resp.json['quota_set']
    app.delete('/v2.1/os-quota-sets/demo', headers=headers(ADMIN, '2.1'), status=202)
    assert _get(app, '/os-quota-sets/demo', '2.1')['quota_set']['floating_ips'] == 10


def test_absolute_limits_per_microversion(app):
    limits = _get(app, '/limits', '2.1', DEMO)['limits']
    assert limits['rate'] == []
    absolute = limits['absolute']
    assert set(absolute) == LIMITS_2_1
    assert (absolute['maxTotalFloatingIps'], absolute['maxSecurityGroups'],
            absolute['maxSecurityGroupRules']) == (10, 10, 20)
    assert (absolute['maxPersonality'], absolute['maxPersonalitySize']) == (5, 10240)
    assert absolute['totalFloatingIpsUsed'] == absolute['totalSecurityGroupsUsed'] == 0
    assert set(_get(app, '/limits', '2.36', DEMO)['limits']['absolute']) == \
        LIMITS_2_1 - NETWORK_LIMITS
    assert set(_get(app, '/limits', '2.39', DEMO)['limits']['absolute']) == \
        LIMITS_2_1 - NETWORK_LIMITS - {'maxImageMeta'}
    app.put_json('/v2.1/os-quota-sets/demo', {'quota_set': {'floating_ips': 7}},
                 headers=headers(ADMIN, '2.1'))
    assert _get(app, '/limits', '2.1', DEMO)['limits']['absolute']['maxTotalFloatingIps'] == 7


@pytest.mark.parametrize('path', ['/os-quota-sets/demo', '/os-quota-sets/demo/defaults'])
def test_injected_file_quotas_go_at_2_57(app, path):
    assert set(_get(app, path, '2.56')['quota_set']) == ENFORCED | set(FILES) | {'id'}
    assert set(_get(app, path, '2.57')['quota_set']) == ENFORCED | {'id'}
    detail = _get(app, '/os-quota-sets/demo/detail', '2.57')['quota_set']
    assert set(detail) == ENFORCED | {'id'}


def test_2_57_refuses_injected_file_quotas_in_updates(app):
    for key in FILES:
        app.put_json('/v2.1/os-quota-sets/demo', {'quota_set': {key: 3}},
                     headers=headers(ADMIN, '2.57'), status=400)
        app.put_json('/v2.1/os-quota-class-sets/default', {'quota_class_set': {key: 3}},
                     headers=headers(ADMIN, '2.57'), status=400)
    updated = app.put_json('/v2.1/os-quota-sets/demo', {'quota_set': {'ram': 5120}},
                           headers=headers(ADMIN, '2.57')).json['quota_set']
    assert set(updated) == ENFORCED and updated['ram'] == 5120
    shown = _get(app, '/os-quota-class-sets/default', '2.57')['quota_class_set']
    assert set(shown) == ENFORCED | {'id'}
    assert set(_get(app, '/os-quota-class-sets/default', '2.56')['quota_class_set']) == \
        ENFORCED | set(FILES) | {'id'}


def test_limits_drop_max_personality_at_2_57(app):
    assert set(_get(app, '/limits', '2.57', DEMO)['limits']['absolute']) == \
        LIMITS_2_1 - NETWORK_LIMITS - {'maxImageMeta', 'maxPersonality', 'maxPersonalitySize'}
