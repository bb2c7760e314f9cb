"""Every daemon and alto-manage parse their configuration through
common.config.parse_args: it is where the file-creation mask is set."""

import os
import stat

import pytest
from oslo_config import cfg

from common import config


@pytest.fixture
def fresh_conf(monkeypatch):
    monkeypatch.setattr(config, 'CONF', cfg.ConfigOpts())
    monkeypatch.setattr(config, '_registered', False)
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _created_mode(tmp_path, name='data.sqlite'):
    path = tmp_path / name
    path.write_bytes(b'')
    return stat.S_IMODE(path.stat().st_mode)


def test_files_created_after_parsing_are_not_world_readable(fresh_conf, tmp_path):
    assert _created_mode(tmp_path, 'before') == 0o644
    config.parse_args(['alto-test'], default_config_files=[])
    assert _created_mode(tmp_path) == 0o640
    directory = tmp_path / 'state'
    directory.mkdir()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o750


def test_a_stricter_mask_is_kept(fresh_conf, tmp_path):
    os.umask(0o077)
    config.parse_args(['alto-test'], default_config_files=[])
    assert _created_mode(tmp_path) == 0o600
