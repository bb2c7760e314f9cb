"""What deploy/stack.sh writes on a host: the files each daemon is started
with, and their owners and modes.

Runs the real configure step of every service lib (deploy/lib/<svc>.sh,
with alto-manage db sync, fernet and credential key set-up) into a scratch
tree, over a tree laid out as an older install left it, and the
``<svc>_daemons`` lists that stack.sh starts.  Needs root (it creates the
``altostratus`` system user as stack.sh does and changes owners).
"""

import configparser
import grp
import os
import pathlib
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile

import pytest

pytestmark = pytest.mark.functional

ROOT = pathlib.Path(__file__).resolve().parents[3]
VENV = pathlib.Path(sys.executable).parent.parent
USER = GROUP = 'altostratus'
SERVICES = ('identity', 'image', 'network', 'compute', 'volume')
#: Services without a service database (the object store keeps SQLite files on its devices).
NO_DB_SERVICES = ('objectstore',)
OBJECTSTORE_DAEMONS = ('alto-account-server', 'alto-container-server', 'alto-object-server',
                       'alto-objectstore-updater', 'alto-objectstore-replicator',
                       'alto-objectstore-auditor', 'alto-objectstore-expirer',
                       'alto-objectstore-reaper', 'alto-objectstore-proxy')
DB_FREE = ('alto-network-api', 'alto-compute-api', 'alto-compute-scheduler', 'alto-compute',
           'alto-compute-metadata', 'alto-compute-novncproxy', 'alto-placement-api',
           'alto-volume-api',
           'alto-volume-scheduler', 'alto-volume', 'alto-volume-backup',
           'alto-metadata-agent') + OBJECTSTORE_DAEMONS
#: Daemons named after an API rather than their service.
SERVICE_OF = {'alto-placement-api': 'compute', 'alto-ovs-agent': 'network',
              'alto-dhcp-agent': 'network', 'alto-l3-agent': 'network',
              'alto-metadata-agent': 'network'}
SERVICE_OF.update(dict.fromkeys(OBJECTSTORE_DAEMONS, 'objectstore'))
DB_OWNERS = ('alto-identity-api', 'alto-image-api', 'alto-network-conductor',
             'alto-compute-conductor', 'alto-volume-conductor')
# Network agents: DB-free, run as root (OVS, namespaces, dnsmasq), read network.conf.
ROOT_AGENTS = ('alto-ovs-agent', 'alto-dhcp-agent', 'alto-l3-agent')
URL = re.compile(r'\b(sqlite|mysql|postgresql|mariadb)[+:\w]*://')


def _bash(env, script):
    return subprocess.run(['bash', '-euo', 'pipefail', '-c',
                           '. "$ALTO_SRC/deploy/lib/common.sh"\n' + script],
                          env=env, capture_output=True, text=True, timeout=300)


OLD_DB_TUNING = {'identity': '13', 'image': '14', 'network': '15'}


def _old_install(base):
    """Files as an older stack.sh left them: world-readable, root-owned, the
    identity, image and network database URLs (with an operator's tuning) in
    the file every daemon of the service reads."""
    etc, state = base / 'etc', base / 'state'
    etc.mkdir(mode=0o755)
    state.mkdir(mode=0o755)
    old = [etc / 'network-api.conf', state / 'stale.sqlite']
    for svc, pool in OLD_DB_TUNING.items():
        (etc / ('%s.conf' % svc)).write_text(
            '[DEFAULT]\nstate_path = %s\n[database]\nconnection = sqlite:///%s/%s.sqlite\n'
            'max_pool_size = %s\n' % (state, state, svc, pool))
        old.append(etc / ('%s.conf' % svc))
    (etc / 'network-api.conf').write_text('[keystone_authtoken]\npassword = secret\n')
    (state / 'stale.sqlite').write_bytes(b'')
    for path in old:
        path.chmod(0o644)


@pytest.fixture(scope='module')
def deployed():
    if os.geteuid() != 0 or not shutil.which('setpriv'):
        pytest.skip('needs root and setpriv, as deploy/stack.sh does')
    # Not under pytest's 0700 temp root: the service user must reach its files.
    base = pathlib.Path(tempfile.mkdtemp(prefix='alto-deploy-', dir='/var/tmp'))
    base.chmod(0o755)
    _old_install(base)
    env = dict(os.environ, ALTO_SRC=str(ROOT), ALTO_VENV=str(VENV),
               ALTO_ETC=str(base / 'etc'), ALTO_STATE=str(base / 'state'),
               ALTO_LOGS=str(base / 'log'), ALTO_RUN=str(base / 'run'),
               DB_URL_BASE='sqlite:///%s' % (base / 'state'),
               CLOUDS_YAML=str(base / 'clouds.yaml'), SERVICE_PASSWORD='service-secret',
               TRANSPORT_URL='rabbit://guest:guest@127.0.0.1:5672/alto-deploy-test')
    setup = _bash(env, 'ensure_system_user')
    assert setup.returncode == 0, setup.stderr
    probe = subprocess.run(['setpriv', '--reuid=' + USER, '--regid=' + GROUP,
                            '--init-groups', '--', str(VENV / 'bin' / 'python'), '-c',
                            'import common.config'], cwd='/', capture_output=True,
                           env=dict(env, PYTHONPATH=str(ROOT)))
    if probe.returncode != 0:
        shutil.rmtree(base)
        pytest.skip('the %s user cannot read this source tree or virtualenv' % USER)
    script = '\n'.join(
        ['secure_install'] +
        ['. "$ALTO_SRC/deploy/lib/%s.sh"; %s_configure >&2' % (s, s)
         for s in SERVICES + NO_DB_SERVICES] +
        ['secure_install'] + ['%s_daemons' % s for s in SERVICES + NO_DB_SERVICES] +
        ['network_agent_daemons'])
    out = _bash(dict(env, PYTHONPATH=str(ROOT)), script)
    assert out.returncode == 0, out.stdout + out.stderr
    daemons = {}
    for line in out.stdout.splitlines():
        name, *args = line.split()
        daemons[name] = args
    try:
        yield base, daemons
    finally:
        shutil.rmtree(base)


def _config_files(args):
    return [pathlib.Path(args[i + 1]) for i, arg in enumerate(args) if arg == '--config-file']


def _database_refs(path):
    """What in ``path`` tells a database: a [database] section, a URL."""
    cp = configparser.RawConfigParser(interpolation=None, strict=False)
    cp.read(path)
    refs = ['[database]'] if cp.has_section('database') else []
    for section in ['DEFAULT'] + cp.sections():
        for key, value in cp.items(section):
            if URL.search(value):
                refs.append('%s.%s = %s' % (section, key, value))
    return refs


def test_every_daemon_is_listed(deployed):
    _, daemons = deployed
    assert sorted(daemons) == sorted(DB_FREE + DB_OWNERS + ROOT_AGENTS)


def test_db_free_daemons_are_started_with_no_database_url(deployed):
    _, daemons = deployed
    for name in DB_FREE + ROOT_AGENTS:
        files = _config_files(daemons[name])
        assert files, name
        for path in files:
            assert path.is_file(), (name, path)
            assert _database_refs(path) == [], (name, path)


def test_database_owners_get_their_url(deployed):
    # The same check finds the URL where it must be: it can fail.
    _, daemons = deployed
    for name in DB_OWNERS:
        refs = [ref for path in _config_files(daemons[name]) for ref in _database_refs(path)]
        assert '[database]' in refs, name


def test_every_service_uses_one_layout(deployed):
    """<svc>.conf for every daemon of a service; <svc>-db.conf, [database]
    alone, for its database owner only."""
    base, daemons = deployed
    etc = base / 'etc'
    for name, args in daemons.items():
        svc = SERVICE_OF.get(name, name.split('-')[1])
        expected = [etc / ('%s.conf' % svc)]
        if name in DB_OWNERS:
            expected.append(etc / ('%s-db.conf' % svc))
        assert _config_files(args) == expected, name
    for svc in SERVICES:
        db_conf = configparser.RawConfigParser()
        db_conf.read(etc / ('%s-db.conf' % svc))
        assert db_conf.sections() == ['database'], svc
        assert URL.search(db_conf.get('database', 'connection')), svc
        assert _database_refs(etc / ('%s.conf' % svc)) == [], svc


def test_older_layouts_are_moved(deployed):
    """A re-run moves [database] out of the file every daemon reads, with
    the options an operator had set there."""
    base, _ = deployed
    etc = base / 'etc'
    assert not (etc / 'network-api.conf').exists()
    for svc, pool in OLD_DB_TUNING.items():
        db_conf = configparser.RawConfigParser()
        db_conf.read(etc / ('%s-db.conf' % svc))
        assert db_conf.get('database', 'max_pool_size') == pool, svc
        conf = configparser.RawConfigParser()
        conf.read(etc / ('%s.conf' % svc))
        assert not conf.has_section('database'), svc


def _owner(path):
    st = path.lstat()
    return pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name


def _mode(path):
    return stat.S_IMODE(path.lstat().st_mode)


def test_configs_are_root_owned_and_group_readable(deployed):
    base, _ = deployed
    etc = base / 'etc'
    assert (_owner(etc), _mode(etc)) == (('root', GROUP), 0o750)
    confs = sorted(etc.glob('*.conf'))
    assert {p.name for p in confs} >= {'%s%s.conf' % (svc, suffix) for svc in SERVICES
                                       for suffix in ('', '-db')}
    for path in confs:
        assert (_owner(path), _mode(path)) == (('root', GROUP), 0o640), path


def test_state_and_logs_belong_to_the_service_user(deployed):
    base, _ = deployed
    for top in (base / 'state', base / 'log'):
        assert (_owner(top), _mode(top)) == ((USER, GROUP), 0o750), top
        for path in [top] + sorted(top.rglob('*')):
            assert _owner(path) == (USER, GROUP), path
            limit = 0o750 if path.is_dir() else 0o640
            assert _mode(path) & ~limit == 0, (path, oct(_mode(path)))
    state = base / 'state'
    assert sorted(p.name for p in state.glob('*.sqlite')) == [
        'compute.sqlite', 'identity.sqlite', 'image.sqlite', 'network.sqlite', 'stale.sqlite',
        'volume.sqlite']
    for repo in ('fernet-keys', 'credential-keys'):
        keys = state / repo
        assert _mode(keys) == 0o700, repo
        assert [_mode(k) for k in keys.iterdir()] == [0o600] * len(list(keys.iterdir()))
        assert len(list(keys.iterdir())) >= 2, repo


def test_systemd_units_run_the_same_commands_unprivileged(deployed):
    base, daemons = deployed
    units = sorted((ROOT / 'deploy' / 'systemd').glob('alto-*.service'))
    assert sorted(u.stem for u in units) == sorted(daemons)
    for unit in units:
        cp = configparser.RawConfigParser(strict=False)
        cp.optionxform = str
        cp.read(unit)
        service = dict(cp.items('Service'))
        if unit.stem in ROOT_AGENTS:
            assert (service['User'], service['Group']) == ('root', 'root')
        else:
            assert (service['User'], service['Group'], service['UMask']) == (USER, GROUP,
                                                                             '0027')
        binary, *args = service['ExecStart'].split()
        assert binary == '/opt/altostratus/venv/bin/%s' % unit.stem
        expected = [a.replace(str(base / 'etc'), '/etc/altostratus')
                    for a in daemons[unit.stem]]
        assert args == expected, unit.name


def test_metadata_secret_is_shared_by_network_and_compute(deployed):
    base, _ = deployed
    etc = base / 'etc'
    compute, network = configparser.RawConfigParser(), configparser.RawConfigParser()
    compute.read(etc / 'compute.conf')
    network.read(etc / 'network.conf')
    secret = (etc / 'metadata_proxy.secret').read_text()
    assert len(secret) >= 32
    assert compute.get('metadata', 'metadata_proxy_shared_secret') == secret
    assert network.get('metadata_agent', 'metadata_proxy_shared_secret') == secret
    assert (_owner(etc / 'metadata_proxy.secret'),
            _mode(etc / 'metadata_proxy.secret')) == (('root', 'root'), 0o600)
    assert network.get('ovs', 'bridge_mappings') == 'public:br-ex'


def test_volume_backups_go_to_the_object_store_when_it_is_deployed(deployed):
    base, _ = deployed
    volume = configparser.RawConfigParser()
    volume.read(base / 'etc' / 'volume.conf')
    # this run's ALTO_SERVICES is unset: no object store, backups in a directory
    assert volume.get('backup', 'driver') == 'posix'
    env = dict(os.environ, ALTO_SRC=str(ROOT), ALTO_ETC=str(base / 'etc'),
               ALTO_STATE=str(base / 'state'))
    for services, forced, expected in (
            ('identity volume objectstore', '', 'objectstore'),
            ('identity objectstore volume', '', 'objectstore'),
            ('identity image volume', '', 'posix'),
            ('identity volume objectstore', 'posix', 'posix')):
        out = _bash(dict(env, ALTO_SERVICES=services, VOLUME_BACKUP_DRIVER=forced),
                    '. "$ALTO_SRC/deploy/lib/volume.sh"; _volume_backup_driver')
        assert (out.returncode, out.stdout.strip()) == (0, expected), out.stderr
