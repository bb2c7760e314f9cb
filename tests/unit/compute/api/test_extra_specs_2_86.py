"""Microversion 2.86: flavor extra specs are validated on create and update.
Keys of a namespace nova validates must be known and their values fit; keys
without a namespace, or of an unknown one, are kept; before 2.86 anything is."""

import pytest

from services.compute import exception
from services.compute.api import extra_specs
from tests.unit.compute.conftest import ADMIN, DEMO, headers

VALID = {
    'hw:cpu_policy': 'dedicated', 'hw:cpu_thread_policy': 'isolate',
    'hw:numa_nodes': '2', 'hw:numa_cpus.0': '0-3,^2', 'hw:numa_mem.1': '1024',
    'hw:mem_page_size': '2MB', 'hw:cpu_realtime': 'yes', 'hw:cpu_realtime_mask': '^0-1',
    'hw:watchdog_action': 'reset', 'hw:tpm_version': '2.0', 'hw:boot_menu': 'False',
    'hw_rng:allowed': 'true', 'hw_rng:rate_bytes': '1024', 'hw_video:ram_max_mb': '64',
    'quota:disk_read_bytes_sec': '10240000', 'quota:cpu_quota': '-1',
    'quota:vif_inbound_average': '100',
    'resources:VCPU': '2', 'resources1:CUSTOM_GPU': '1', 'resources_g-1:MEMORY_MB': '512',
    'trait:HW_CPU_X86_AVX2': 'required', 'trait2:CUSTOM_FOO': 'forbidden',
    'group_policy': 'isolate', 'os:secure_boot': 'required',
    'accel:device_profile': 'my-profile', 'pci_passthrough:alias': 'a1:2,gpu:1',
    'aggregate_instance_extra_specs:ssd': 'true', 'capabilities:cpu_info:arch': 'x86_64',
    # Not validated: no namespace, or one nova does not know.
    'baremetal': 'anything', 'foo:bar': 'anything', 'hw': 'x',
}
INVALID = {
    'hw:cpu_policy': 'exclusive', 'hw:numa_nodes': '0', 'hw:numa_nodes ': '1',
    'hw:cpu_sockets': 'two', 'hw:mem_page_size': 'huge', 'hw:mem_page_size ': 'small',
    'hw:numa_cpus.x': '0', 'hw:numa_mem.0': '-5', 'hw:cpu_realtime': 'maybe',
    'hw:cpu_realtime_mask': 'a-b', 'hw:unknown_thing': '1', 'hw_rng:allowed': '2',
    'hw_rng:rate_bytes': '-1', 'hw_video:foo': '1', 'quota:disk_read_bytes_sec': 'fast',
    'quota:nonsense': '1', 'resources:VCPU': '-1', 'resources:vcpu': '1',
    'trait:HW_CPU_X86_AVX2': 'wanted', 'os:secure_boot': 'on', 'os:type': 'linux',
    'accel:other': 'x', 'pci_passthrough:alias': 'gpu', 'pci_passthrough:other': 'x',
    'group_policy': 'all', 'hw:redirected_usb_ports': '16',
}


@pytest.mark.parametrize('key,value', sorted(VALID.items()))
def test_valid_specs_pass(key, value):
    extra_specs.validate(key, value)


@pytest.mark.parametrize('key,value', sorted(INVALID.items()))
def test_invalid_specs_are_refused(key, value):
    with pytest.raises(exception.Invalid) as caught:
        extra_specs.validate(key, value)
    assert key in str(caught.value)


def _flavor(app):
    app.post_json('/v2.1/flavors', {'flavor': {'name': 'f', 'ram': 64, 'vcpus': 1,
                                               'disk': 0, 'id': 'f'}}, headers=ADMIN)


def test_api_validates_from_2_86(app):
    _flavor(app)
    url = '/v2.1/flavors/f/os-extra_specs'
    fault = app.post_json(url, {'extra_specs': {'hw:cpu_policy': 'exclusive'}},
                          headers=headers(ADMIN, '2.86'), status=400).json
    assert "hw:cpu_policy" in fault['badRequest']['message']
    app.post_json(url, {'extra_specs': {'hw:numa_nodes': 2, 'hw:cpu_policy': 'dedicated',
                                        'custom': 'kept', 'hw:nope': '1'}},
                  headers=headers(ADMIN, '2.86'), status=400)
    # Nothing of a refused request is kept.
    assert app.get(url, headers=headers(ADMIN, '2.86')).json == {'extra_specs': {}}
    app.post_json(url, {'extra_specs': {'hw:numa_nodes': 2, 'hw:cpu_policy': 'dedicated',
                                        'custom': 'kept', 'vendor:thing': 'x'}},
                  headers=headers(ADMIN, '2.86'))
    app.put_json(url + '/hw:mem_page_size', {'hw:mem_page_size': 'giant'},
                 headers=headers(ADMIN, '2.86'), status=400)
    app.put_json(url + '/hw:mem_page_size', {'hw:mem_page_size': '1GiB'},
                 headers=headers(ADMIN, '2.86'))
    app.put_json(url + '/hw:numa_nodes', {'hw:numa_nodes': '0'},
                 headers=headers(ADMIN, 'latest'), status=400)
    assert app.get(url, headers=headers(ADMIN, '2.86')).json['extra_specs'] == {
        'hw:numa_nodes': '2', 'hw:cpu_policy': 'dedicated', 'custom': 'kept',
        'vendor:thing': 'x', 'hw:mem_page_size': '1GiB'}


def test_before_2_86_anything_is_kept(app):
    _flavor(app)
    url = '/v2.1/flavors/f/os-extra_specs'
    app.post_json(url, {'extra_specs': {'hw:cpu_policy': 'exclusive'}},
                  headers=headers(ADMIN, '2.85'))
    app.put_json(url + '/hw:nope', {'hw:nope': 'x'}, headers=headers(ADMIN, '2.85'))
    assert app.get(url, headers=headers(ADMIN)).json['extra_specs'] == {
        'hw:cpu_policy': 'exclusive', 'hw:nope': 'x'}


def test_policy_before_validation(app):
    _flavor(app)
    app.post_json('/v2.1/flavors/f/os-extra_specs', {'extra_specs': {'hw:x': '1'}},
                  headers=headers(DEMO, '2.86'), status=403)
