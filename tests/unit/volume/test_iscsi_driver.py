"""The iSCSI driver against a fake tgtadm that keeps tgtd's state: the
commands it sends, one target and CHAP account per attachment, records
that a restarted tgtd gets back, and secrets kept out of errors."""

import os
import stat
import types

import pytest

from services.volume import exception
from services.volume.drivers import iscsi


class FakeTgtd:
    """What tgtadm would answer, from the arguments it was given."""

    def __init__(self):
        self.targets = {}       # tid -> {'name', 'luns', 'accounts', 'acl'}
        self.accounts = {}      # user -> password
        self.calls = []
        self.fail_on = None

    def __call__(self, argv, secrets=(), **kwargs):
        self.calls.append((list(argv), list(secrets)))
        args = argv[argv.index('--lld') + 2:]
        opts = {}
        for index, arg in enumerate(args):
            if arg.startswith('--'):
                value = args[index + 1] if index + 1 < len(args) else None
                opts[arg] = None if value is None or value.startswith('--') else value
        mode, op = opts['--mode'], opts['--op']
        if self.fail_on == (mode, op):
            raise exception.DriverError(reason='%s failed (fake)' % op)
        tid = int(opts.get('--tid', 0))
        if mode == 'target' and op == 'show':
            return ''.join('Target %d: %s\n    System information:\n' % (t, v['name'])
                           for t, v in sorted(self.targets.items()))
        if mode == 'account' and op == 'show':
            return 'Account list:\n' + ''.join('    %s\n' % u for u in self.accounts)
        if mode == 'target' and op == 'new':
            assert tid not in self.targets
            self.targets[tid] = {'name': opts['--targetname'], 'luns': {},
                                 'accounts': [], 'acl': []}
        elif mode == 'target' and op == 'delete':
            assert '--force' in opts     # a target with a session goes too
            del self.targets[tid]
        elif mode == 'target' and op == 'bind':
            self.targets[tid]['acl'].append(opts['--initiator-address'])
        elif mode == 'logicalunit' and op == 'new':
            self.targets[tid]['luns'][int(opts['--lun'])] = opts['--backing-store']
        elif mode == 'account' and op == 'new':
            assert opts['--user'] not in self.accounts
            self.accounts[opts['--user']] = opts['--password']
        elif mode == 'account' and op == 'bind':
            self.targets[tid]['accounts'].append(opts['--user'])
        elif mode == 'account' and op == 'delete':
            del self.accounts[opts['--user']]
        else:
            raise AssertionError('unexpected tgtadm %s' % argv)
        return ''


@pytest.fixture
def tgtd():
    return FakeTgtd()


def _driver(tmp_path, tgtd):
    conf = types.SimpleNamespace(
        volume=types.SimpleNamespace(volumes_dir=str(tmp_path / 'volumes'),
                                     qemu_img='qemu-img'),
        iscsi=types.SimpleNamespace(target_ip_address='127.0.0.1', target_port=3260,
                                    target_prefix='iqn.2010-10.org.altostratus:',
                                    tgt_control_port=5, tgtadm='sudo tgtadm',
                                    targets_dir=str(tmp_path / 'targets')))
    drv = iscsi.ISCSIDriver(conf, run=tgtd)
    drv.do_setup()
    return drv


@pytest.fixture
def driver(tmp_path, tgtd):
    return _driver(tmp_path, tgtd)


CONNECTOR = {'host': 'compute1', 'ip': '127.0.0.1', 'attachment_id': 'att-1'}


def test_attachment_gets_its_own_target_with_chap(driver, tgtd):
    driver.create_volume({'id': 'v1', 'size': 1})
    info = driver.initialize_connection({'id': 'v1'}, CONNECTOR)
    data = info['data']
    assert info['driver_volume_type'] == 'iscsi'
    assert data['target_iqn'] == 'iqn.2010-10.org.altostratus:att-1'
    assert data['target_portal'] == '127.0.0.1:3260'
    assert data['target_lun'] == 1
    assert data['auth_method'] == 'CHAP'
    assert len(data['auth_password']) >= 16
    (tid, target), = tgtd.targets.items()
    assert target == {'name': data['target_iqn'],
                      'luns': {1: driver.volume_path('v1')},
                      'accounts': [data['auth_username']], 'acl': ['ALL']}
    assert tgtd.accounts == {data['auth_username']: data['auth_password']}
    # every command goes to this tgtd's control port through the configured command
    assert all(argv[:4] == ['sudo', 'tgtadm', '-C', '5'] for argv, _ in tgtd.calls)
    # the password is only ever passed as a declared secret
    for argv, secrets in tgtd.calls:
        if data['auth_password'] in argv:
            assert secrets == [data['auth_password']]

    second = driver.initialize_connection({'id': 'v1'}, dict(CONNECTOR,
                                                            attachment_id='att-2'))
    assert len(tgtd.targets) == 2
    assert second['data']['auth_password'] != data['auth_password']

    driver.terminate_connection({'id': 'v1'}, CONNECTOR)
    assert [t['name'] for t in tgtd.targets.values()] == [second['data']['target_iqn']]
    assert list(tgtd.accounts) == [second['data']['auth_username']]
    driver.terminate_connection({'id': 'v1'}, CONNECTOR)      # twice: no error


def test_records_are_private_and_restore_a_restarted_tgtd(tmp_path, driver, tgtd):
    driver.create_volume({'id': 'v1', 'size': 1})
    info = driver.initialize_connection({'id': 'v1'}, CONNECTOR)
    directory = driver.targets_dir
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    (name,) = os.listdir(directory)
    assert stat.S_IMODE(os.stat(os.path.join(directory, name)).st_mode) == 0o600

    restarted = FakeTgtd()
    _driver(tmp_path, restarted)
    (target,) = restarted.targets.values()
    assert target['name'] == info['data']['target_iqn']
    assert restarted.accounts == {info['data']['auth_username']:
                                  info['data']['auth_password']}


def test_reconnect_replaces_the_export(driver, tgtd):
    driver.create_volume({'id': 'v1', 'size': 1})
    first = driver.initialize_connection({'id': 'v1'}, CONNECTOR)
    again = driver.initialize_connection({'id': 'v1'}, CONNECTOR)
    assert len(tgtd.targets) == 1 and len(tgtd.accounts) == 1
    assert tgtd.accounts[again['data']['auth_username']] == again['data']['auth_password']
    assert again['data']['auth_password'] != first['data']['auth_password']


def test_failed_export_leaves_nothing(driver, tgtd):
    driver.create_volume({'id': 'v1', 'size': 1})
    tgtd.fail_on = ('account', 'bind')
    with pytest.raises(exception.DriverError):
        driver.initialize_connection({'id': 'v1'}, CONNECTOR)
    tgtd.fail_on = None
    assert tgtd.targets == {} and tgtd.accounts == {}
    assert os.listdir(driver.targets_dir) == []


def test_service_requests_get_the_file(driver, tgtd):
    """A backup or a migration (no attachment, no address) reads the file."""
    driver.create_volume({'id': 'v1', 'size': 1})
    info = driver.initialize_connection({'id': 'v1'}, {'host': 'h@b', 'initiator': None})
    assert info == {'driver_volume_type': 'local',
                    'data': {'device_path': driver.volume_path('v1'), 'format': 'raw'}}
    assert tgtd.targets == {}


def test_delete_withdraws_exports(driver, tgtd):
    driver.create_volume({'id': 'v1', 'size': 1})
    driver.initialize_connection({'id': 'v1'}, CONNECTOR)
    driver.delete_volume({'id': 'v1'})
    assert tgtd.targets == {} and tgtd.accounts == {}
    assert not os.path.exists(driver.volume_path('v1'))


def test_missing_file_is_a_driver_error(driver):
    with pytest.raises(exception.DriverError):
        driver.initialize_connection({'id': 'nope'}, CONNECTOR)


def test_runner_masks_secrets():
    from services.volume.drivers import processes
    with pytest.raises(exception.DriverError) as err:
        processes.run(['sh', '-c', 'echo "bad password hunter2" >&2; exit 3'],
                      secrets=['hunter2'])
    assert 'hunter2' not in str(err.value.kwargs)
    assert '***' in str(err.value.kwargs)
