"""The sample configs committed in deploy/etc are what tools/genconfig.sh
writes from the code: regenerated into a temporary directory, every file
must be identical."""

import configparser
import difflib
import importlib.metadata
import os
import pathlib
import socket
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / 'deploy' / 'etc'
SERVICES = ('identity', 'image', 'network', 'compute', 'volume')
#: services with no database of their own: no <svc>-db.conf sample
NO_DB_SERVICES = ('objectstore',)
HINT = 'run `tox -e genconfig` (tools/genconfig.sh) and commit deploy/etc'


def _declared_namespaces():
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(ROOT / 'setup.cfg')
    lines = cp.get('options.entry_points', 'oslo.config.opts').strip().splitlines()
    return dict(tuple(part.strip() for part in line.split('=', 1)) for line in lines)


def _installed_namespaces():
    return {ep.name: ep.value
            for ep in importlib.metadata.entry_points(group='oslo.config.opts')
            if ep.name.startswith('altostratus.')}


@pytest.fixture(scope='module')
def generated(tmp_path_factory):
    # The generator finds the namespaces through the installed entry points:
    # an install older than setup.cfg cannot generate this tree's samples.
    if _installed_namespaces() != _declared_namespaces():
        pytest.skip('the installed oslo.config.opts entry points differ from setup.cfg; '
                    'reinstall (pip install -e .) to compare the samples')
    out = tmp_path_factory.mktemp('samples')
    env = dict(os.environ, PYTHON=sys.executable, PYTHONPATH=str(ROOT))
    result = subprocess.run(['bash', str(ROOT / 'tools' / 'genconfig.sh'), str(out)], env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_every_service_has_its_two_samples():
    expected = {'%s%s.conf.sample' % (svc, suffix)
                for svc in SERVICES for suffix in ('', '-db')}
    expected |= {'%s.conf.sample' % svc for svc in NO_DB_SERVICES}
    assert {p.name for p in SAMPLES.glob('*.sample')} == expected


def test_committed_samples_are_current(generated):
    names = sorted(p.name for p in generated.iterdir())
    assert names == sorted(p.name for p in SAMPLES.glob('*.sample')), HINT
    for name in names:
        new = (generated / name).read_text().splitlines(keepends=True)
        old = (SAMPLES / name).read_text().splitlines(keepends=True)
        if new != old:
            diff = ''.join(list(difflib.unified_diff(
                old, new, 'deploy/etc/' + name, 'generated/' + name))[:60])
            pytest.fail('deploy/etc/%s is out of date: %s\n%s' % (name, HINT, diff))


def test_samples_name_nothing_of_the_machine_they_were_made_on():
    # e.g. [DEFAULT] host shows "<hostname>", not the generating host's name
    hostname = socket.gethostname()
    for path in SAMPLES.glob('*.sample'):
        text = path.read_text()
        assert str(ROOT) not in text, path.name
        assert sys.prefix not in text, path.name
        assert '#host = <hostname>' in text or path.name.endswith('-db.conf.sample')
        if len(hostname) > 3:  # a short name would match ordinary words
            assert hostname not in text, path.name


def test_db_samples_hold_the_database_group_only():
    for svc in SERVICES:
        cp = configparser.RawConfigParser(strict=False)
        cp.read(SAMPLES / ('%s-db.conf.sample' % svc))
        assert cp.sections() == ['database'], svc
        text = (SAMPLES / ('%s.conf.sample' % svc)).read_text()
        assert '\n[database]\n' not in text, svc
