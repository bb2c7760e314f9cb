"""The Tempest configuration the conformance runner writes matches what the cloud announces."""
import pathlib
import re

from services.compute.api import microversion
from services.volume.api import microversion as volume_microversion

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_tempest_compute_max_microversion_is_the_apis():
    text = (ROOT / 'tools/conformance/tempest_conf.py').read_text()
    default = re.search(r"COMPUTE_MAX_MICROVERSION', '([0-9.]+)'", text).group(1)
    assert default == '%d.%d' % microversion.MAX_VERSION


def _write_conf(tmp_path, monkeypatch, **env):
    import configparser
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'tempest_conf', ROOT / 'tools/conformance/tempest_conf.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for key, value in dict(WS=str(tmp_path), AUTH_URL='http://127.0.0.1:5000/v3',
                           ADMIN_USER='admin', ADMIN_PASSWORD='secret',
                           ADMIN_PROJECT='admin', ADMIN_USER_DOMAIN='Default',
                           ADMIN_PROJECT_DOMAIN='Default', AVAILABLE='network identity',
                           IDENTITY_CONF=str(tmp_path / 'none.conf')).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv('NETWORK_EXTENSIONS', raising=False)
    monkeypatch.delenv('OVERLAYS', raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / 'tempest.conf'
    module.main(str(path))
    conf = configparser.ConfigParser(interpolation=None)
    conf.read(path)
    return conf


def test_network_extensions_are_the_ones_the_cloud_lists(tmp_path, monkeypatch):
    conf = _write_conf(tmp_path, monkeypatch, NETWORK_EXTENSIONS='router,ext-gw-mode,trunk')
    assert conf.get('network-feature-enabled', 'api_extensions') == 'router,ext-gw-mode,trunk'
    # without a list (no network service looked up) Tempest assumes every extension
    conf = _write_conf(tmp_path, monkeypatch)
    assert conf.get('network-feature-enabled', 'api_extensions') == 'all'


def test_no_fixed_network_unless_given(tmp_path, monkeypatch):
    monkeypatch.delenv('FIXED_NETWORK_NAME', raising=False)
    assert _write_conf(tmp_path, monkeypatch).get('compute', 'fixed_network_name') == ''
    conf = _write_conf(tmp_path, monkeypatch, FIXED_NETWORK_NAME='shared-net')
    assert conf.get('compute', 'fixed_network_name') == 'shared-net'


def test_tempest_volume_max_microversion_is_the_apis():
    text = (ROOT / 'tools/conformance/tempest_conf.py').read_text()
    default = re.search(r"VOLUME_MAX_MICROVERSION', '([0-9.]+)'", text).group(1)
    assert default == '%d.%d' % volume_microversion.MAX_VERSION


def test_ssh_validation_only_with_servers_on_a_reachable_network(tmp_path, monkeypatch):
    for key in ('PUBLIC_NETWORK_ID', 'VALIDATION', 'TESTED'):
        monkeypatch.delenv(key, raising=False)
    cloud = dict(AVAILABLE='network compute identity', TESTED='compute')
    assert not _write_conf(tmp_path, monkeypatch, **cloud).getboolean(
        'validation', 'run_validation')
    conf = _write_conf(tmp_path, monkeypatch, PUBLIC_NETWORK_ID='ext', **cloud)
    assert conf.getboolean('validation', 'run_validation')
    assert (conf.get('validation', 'image_ssh_user'), conf.get('validation', 'ssh_key_type'),
            conf.get('validation', 'connect_method')) == ('root', 'ecdsa', 'floating')
    assert conf.getboolean('compute-feature-enabled', 'metadata_service')
    assert not _write_conf(tmp_path, monkeypatch, PUBLIC_NETWORK_ID='ext', VALIDATION='0',
                           **cloud).getboolean('validation', 'run_validation')
    assert not _write_conf(tmp_path, monkeypatch, PUBLIC_NETWORK_ID='ext',
                           AVAILABLE='compute identity', TESTED='compute').getboolean(
        'validation', 'run_validation')
