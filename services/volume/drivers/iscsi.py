"""The iSCSI driver: the file driver's volumes exported by tgt.

Volumes, snapshots and clones are the file driver's files.  An attachment
gets its own target (``[iscsi] target_prefix`` + the attachment's id) with
the volume's file as LUN 1 and a CHAP account of its own, made when compute
sends its connector and withdrawn when the attachment goes; the compute
host's QEMU logs in with its own initiator (no kernel iSCSI anywhere).

Each export is recorded in ``[iscsi] targets_dir`` (mode 0600 files in a
0700 directory: they hold the CHAP secret) so that ``do_setup`` can give a
restarted tgtd its exports back.  CHAP secrets are never logged.

Requests from inside the volume service (a backup, a migration) name no
attachment: they get the file itself (``local``), as from the file driver.
"""

import hashlib
import json
import os
import re
import secrets
import threading

from oslo_log import log as logging

from services.volume import exception
from services.volume.drivers import file as file_driver
from services.volume.drivers import processes

LOG = logging.getLogger(__name__)
LUN = 1
_TARGET_LINE = re.compile(r'^Target (\d+): (\S+)\s*$')


class ISCSIDriver(file_driver.FileDriver):
    protocol = 'iscsi'

    def __init__(self, conf, run=processes.run):
        super().__init__(conf)
        self.run = run
        self._lock = threading.Lock()

    # -- tgtadm ------------------------------------------------------------------------
    def _tgtadm(self, *args, secrets=()):
        iscsi = self.conf.iscsi
        argv = processes.command(iscsi.tgtadm, '-C', iscsi.tgt_control_port,
                                 '--lld', 'iscsi', *args)
        return self.run(argv, secrets=secrets)

    def targets(self):
        """``{target name: tid}`` of what tgtd exports."""
        found = {}
        for line in self._tgtadm('--mode', 'target', '--op', 'show').splitlines():
            match = _TARGET_LINE.match(line)
            if match:
                found[match.group(2)] = int(match.group(1))
        return found

    def _accounts(self):
        lines = self._tgtadm('--mode', 'account', '--op', 'show').splitlines()
        return {line.strip() for line in lines[1:] if line.strip()}

    def _export(self, record):
        """Create the target, its LUN, its CHAP account and its ACL."""
        present = self.targets()
        if record['iqn'] in present:
            self._unexport(record['iqn'], record['user'], present)
            present = self.targets()
        tid = max(present.values(), default=0) + 1
        self._tgtadm('--mode', 'target', '--op', 'new', '--tid', tid,
                     '--targetname', record['iqn'])
        try:
            self._tgtadm('--mode', 'logicalunit', '--op', 'new', '--tid', tid,
                         '--lun', LUN, '--backing-store', record['path'],
                         '--bstype', 'rdwr')
            if record['user'] in self._accounts():
                self._tgtadm('--mode', 'account', '--op', 'delete', '--user', record['user'])
            self._tgtadm('--mode', 'account', '--op', 'new', '--user', record['user'],
                         '--password', record['password'], secrets=[record['password']])
            self._tgtadm('--mode', 'account', '--op', 'bind', '--tid', tid,
                         '--user', record['user'])
            self._tgtadm('--mode', 'target', '--op', 'bind', '--tid', tid,
                         '--initiator-address', 'ALL')
        except exception.DriverError:
            self._unexport(record['iqn'], record['user'], {record['iqn']: tid})
            raise

    def _unexport(self, iqn, user, present=None):
        present = self.targets() if present is None else present
        if iqn in present:
            self._tgtadm('--mode', 'target', '--op', 'delete', '--force',
                         '--tid', present[iqn])
        if user and user in self._accounts():
            self._tgtadm('--mode', 'account', '--op', 'delete', '--user', user)

    # -- records ---------------------------------------------------------------------------
    @property
    def targets_dir(self):
        return os.path.abspath(self.conf.iscsi.targets_dir)

    def _record_path(self, key):
        return os.path.join(self.targets_dir, '%s.json' % key)

    def _save(self, key, record):
        part = self._record_path(key) + '.part'
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            json.dump(record, f)
        os.rename(part, self._record_path(key))

    def _load(self, key):
        try:
            with open(self._record_path(key)) as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def _records(self):
        for name in sorted(os.listdir(self.targets_dir)):
            if name.endswith('.json'):
                yield name[:-len('.json')], self._load(name[:-len('.json')])

    @staticmethod
    def _key(volume, connector):
        """The export's name: the attachment's id, or (a conductor that does
        not send it) the volume and the connecting host."""
        if connector.get('attachment_id'):
            return str(connector['attachment_id'])
        host = hashlib.sha256(str(connector.get('host')).encode()).hexdigest()[:12]
        return '%s-%s' % (volume['id'], host)

    # -- driver ------------------------------------------------------------------------
    def do_setup(self):
        super().do_setup()
        os.makedirs(self.targets_dir, mode=0o700, exist_ok=True)
        os.chmod(self.targets_dir, 0o700)
        with self._lock:
            present = self.targets()
            for key, record in self._records():
                if record and record['iqn'] not in present:
                    if os.path.exists(record['path']):
                        LOG.info('Exporting %s again (tgtd lost it)', record['iqn'])
                        self._export(record)
                    else:
                        os.unlink(self._record_path(key))

    def initialize_connection(self, volume, connector):
        connector = connector or {}
        local = self.local_connection(volume)
        if not connector.get('attachment_id') and not connector.get('ip'):
            return local
        path = local['data']['device_path']
        key = self._key(volume, connector)
        record = {'iqn': '%s%s' % (self.conf.iscsi.target_prefix, key),
                  'volume_id': volume['id'], 'path': path,
                  'user': 'alto-%s' % key[:24],
                  'password': secrets.token_urlsafe(18)}
        with self._lock:
            self._save(key, record)
            try:
                self._export(record)
            except exception.DriverError:
                os.unlink(self._record_path(key))
                raise
        LOG.info('Exported volume %s as %s', volume['id'], record['iqn'])
        iscsi = self.conf.iscsi
        return {'driver_volume_type': self.protocol,
                'data': {'target_discovered': False,
                         'target_iqn': record['iqn'],
                         'target_portal': '%s:%d' % (iscsi.target_ip_address,
                                                     iscsi.target_port),
                         'target_lun': LUN,
                         'volume_id': volume['id'],
                         'auth_method': 'CHAP',
                         'auth_username': record['user'],
                         'auth_password': record['password'],
                         'access_mode': 'rw',
                         'encrypted': False,
                         'format': 'raw'}}

    def terminate_connection(self, volume, connector):
        connector = connector or {}
        if not connector.get('attachment_id') and not connector.get('ip'):
            return
        key = self._key(volume, connector)
        with self._lock:
            record = self._load(key)
            if record is None:
                return
            self._unexport(record['iqn'], record['user'])
            os.unlink(self._record_path(key))
        LOG.info('Withdrew export %s of volume %s', record['iqn'], volume['id'])

    def delete_volume(self, volume):
        """Withdraw any export left of the volume, then remove its file."""
        with self._lock:
            for key, record in list(self._records()):
                if record and record['volume_id'] == volume['id']:
                    self._unexport(record['iqn'], record['user'])
                    os.unlink(self._record_path(key))
        super().delete_volume(volume)
