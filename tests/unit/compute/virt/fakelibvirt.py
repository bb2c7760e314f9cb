"""A stand-in libvirt connection: domains as records with libvirt's states.

Only what the driver calls, with libvirt's rules where they matter to it
(create on a running domain fails, a managed save image is restored by the
next create, undefine without the flag refuses a domain that has one).
"""

import xml.etree.ElementTree as ET

NOSTATE, RUNNING, PAUSED, SHUTDOWN, SHUTOFF = 0, 1, 3, 4, 5


class LibvirtError(Exception):
    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code

    def get_error_code(self):
        return self.code


class FakeDomain:
    def __init__(self, conn, xml):
        self.conn = conn
        self.xml = xml
        tree = ET.fromstring(xml)
        self._name = tree.findtext('name')
        self._uuid = tree.findtext('uuid')
        self.status = SHUTOFF
        self.managed_save = False
        self.calls = []
        #: What the guest does on the ACPI button: True powers off.
        self.obeys_acpi = True

    def name(self):
        return self._name

    def UUIDString(self):
        return self._uuid

    def XMLDesc(self, flags=0):
        return self.xml

    def state(self):
        return [self.status, 0]

    def isActive(self):
        return self.status != SHUTOFF

    def hasManagedSaveImage(self, flags):
        return self.managed_save

    def _record(self, name):
        self.calls.append(name)

    def create(self):
        self._record('create')
        if self.isActive():
            raise LibvirtError('Requested operation is not valid: domain is already running', 55)
        if self.conn.fail_create:
            raise LibvirtError('qemu unexpectedly closed the monitor')
        self.status = RUNNING
        self.managed_save = False
        return 0

    def createWithFlags(self, flags):
        self.create()
        self.calls[-1] = 'create(paused)' if flags & 1 else 'create'
        if flags & 1:
            self.status = PAUSED
        return 0

    def destroy(self):
        self._record('destroy')
        if not self.isActive():
            raise LibvirtError('Requested operation is not valid: domain is not running', 55)
        self.status = SHUTOFF

    def shutdown(self):
        self._record('shutdown')
        if not self.isActive():
            raise LibvirtError('domain is not running', 55)
        if self.obeys_acpi:
            self.status = SHUTOFF

    def suspend(self):
        self._record('suspend')
        self.status = PAUSED

    def resume(self):
        self._record('resume')
        self.status = RUNNING

    def managedSave(self, flags):
        self._record('managedSave')
        self.status = SHUTOFF
        self.managed_save = True

    def attachDeviceFlags(self, xml, flags):
        self._record('attachDevice')
        if flags & 1 and not self.isActive():
            raise LibvirtError('Requested operation is not valid: domain is not running', 55)
        tree = ET.fromstring(self.xml)
        tree.find('devices').append(ET.fromstring(xml))
        self.xml = ET.tostring(tree, encoding='unicode')
        return 0

    def detachDeviceFlags(self, xml, flags):
        self._record('detachDevice')
        device = ET.fromstring(xml)
        tree = ET.fromstring(self.xml)
        devices = tree.find('devices')
        if device.tag == 'interface':
            mac = device.find('mac').get('address')
            for iface in devices.findall('interface'):
                if iface.find('mac').get('address') == mac:
                    devices.remove(iface)
                    self.xml = ET.tostring(tree, encoding='unicode')
                    return 0
            raise LibvirtError('operation failed: no device matching mac address %s' % mac)
        target = device.find('target').get('dev')
        for disk in devices.findall('disk'):
            if disk.find('target').get('dev') == target:
                devices.remove(disk)
                self.xml = ET.tostring(tree, encoding='unicode')
                return 0
        raise LibvirtError('operation failed: disk %s not found' % target)

    # -- external disk-only snapshots and block jobs (assisted snapshots) --
    #: How many blockJobInfo polls a block job stays running for.
    block_job_polls = 1
    #: A block job that never ends (the driver's timeout) when True.
    block_job_hangs = False

    def snapshotCreateXML(self, xml, flags=0):
        self._record('snapshotCreateXML')
        self.snapshot_flags = flags
        if not self.isActive():
            raise LibvirtError('the fake takes disk-only snapshots of running guests only', 55)
        tree = ET.fromstring(self.xml)
        for entry in ET.fromstring(xml).findall('./disks/disk'):
            if entry.get('snapshot') != 'external':
                continue
            new_file = entry.find('source').get('file')
            if flags & 32:  # REUSE_EXT: the file must be there
                with open(new_file, 'rb'):
                    pass
            for disk in tree.findall('./devices/disk'):
                if disk.find('target').get('dev') == entry.get('name'):
                    disk.find('source').set('file', new_file)
                    disk.find('driver').set('type', 'qcow2')
        self.xml = ET.tostring(tree, encoding='unicode')
        return None

    def _source(self, disk_name):
        for disk in ET.fromstring(self.xml).findall('./devices/disk'):
            if disk.find('target').get('dev') == disk_name:
                return disk.find('source').get('file')
        raise LibvirtError('invalid argument: disk %s not found' % disk_name)

    @staticmethod
    def _write_backing(path, backing):
        # As the test qemu-img fake writes them: the backing name in the file.
        import os
        name = os.path.relpath(backing, os.path.dirname(path)) if backing else ''
        with open(path, 'wb') as f:
            f.write(b'QFI\xfb' + name.encode())

    @staticmethod
    def _read_backing(path):
        import os
        with open(path, 'rb') as f:
            name = f.read()[4:].decode()
        return os.path.join(os.path.dirname(path), name) if name else None

    def blockRebase(self, disk, base, bandwidth, flags):
        self._record('blockRebase')
        self.block_job = ('rebase', disk, base, None)
        self._job_polls = self.block_job_polls
        self._write_backing(self._source(disk), base)
        return 0

    #: The format a pivot onto the base of an active commit leaves the disk in.
    pivot_format = 'raw'

    def blockCommit(self, disk, base, top, bandwidth, flags):
        self._record('blockCommit')
        self._job_polls = self.block_job_polls
        if flags & 4:  # ACTIVE: ready (cur == end) until aborted, pivoted with flag 2
            self.block_job = ('active-commit', disk, base, top)
            self._pivot = (disk, base)
            return 0
        self.block_job = ('commit', disk, base, top)
        # The file above ``top`` now sits on ``base``.
        path = self._source(disk)
        while path:
            backing = self._read_backing(path)
            if backing == top:
                self._write_backing(path, base)
                break
            path = backing
        return 0

    def blockCopy(self, disk, destxml, params=None, flags=0):
        """A copy that mirrors (cur == end) after ``block_job_polls`` polls
        and moves the disk onto ``destxml``'s source when pivoted."""
        self._record('blockCopy')
        self.block_copy = (disk, destxml, flags)
        self._source(disk)
        dest = ET.fromstring(destxml)
        self.block_job = ('copy', disk, None, None)
        self._job_polls = self.block_job_polls
        self._pivot = (disk, dest.find('source').get('file'),
                       dest.find('driver').get('type'))
        return 0

    def blockResize(self, disk, size, flags=0):
        self._record('blockResize')
        self.block_resize = (disk, size, flags)
        return 0

    def blockJobInfo(self, disk, flags):
        if getattr(self, '_job_polls', 0) > 0 or self.block_job_hangs:
            self._job_polls = getattr(self, '_job_polls', 0) - 1
            return {'type': 3, 'bandwidth': 0, 'cur': 1, 'end': 2}
        if getattr(self, '_pivot', None):
            return {'type': 4, 'bandwidth': 0, 'cur': 2, 'end': 2}
        return {}

    def blockJobAbort(self, disk, flags=0):
        self._record('blockJobAbort')
        self.block_job_hangs = False
        self._job_polls = 0
        pivot, self._pivot = getattr(self, '_pivot', None), None
        if pivot and flags & 2:
            self.block_job_abort_flags = flags
            tree = ET.fromstring(self.xml)
            for entry in tree.findall('./devices/disk'):
                if entry.find('target').get('dev') == pivot[0]:
                    entry.find('source').set('file', pivot[1])
                    entry.find('driver').set('type', pivot[2] if len(pivot) > 2
                                             else self.pivot_format)
            self.xml = ET.tostring(tree, encoding='unicode')

    # -- figures (diagnostics) and the guest agent --
    #: Counters a test sets; what libvirt would read from QEMU.
    block_stats = (12, 4096, 3, 1536, -1)
    interface_stats = (1000, 10, 0, 1, 2000, 20, 0, 0)
    #: What the guest agent does with a password: None sets it, else the error.
    agent_error = None

    def info(self):
        tree = ET.fromstring(self.xml)
        mem_kib = int(tree.findtext('memory')) * 1024
        return [self.status, mem_kib, mem_kib, int(tree.findtext('vcpu')), 5 * 10 ** 9]

    def vcpus(self):
        if not self.isActive():
            raise LibvirtError('Requested operation is not valid: domain is not running', 55)
        count = int(ET.fromstring(self.xml).findtext('vcpu'))
        return ([(i, 1, (i + 1) * 10 ** 9, 0) for i in range(count)], [])

    def memoryStats(self):
        return {'actual': self.info()[1], 'rss': 65536}

    def blockStats(self, dev):
        self._record('blockStats(%s)' % dev)
        return self.block_stats

    def interfaceStats(self, dev):
        self._record('interfaceStats(%s)' % dev)
        return self.interface_stats

    def setUserPassword(self, user, password, flags):
        self._record('setUserPassword(%s)' % user)
        if self.agent_error:
            raise LibvirtError(self.agent_error, 86)
        self.passwords = dict(getattr(self, 'passwords', {}), **{user: password})
        return 0

    def undefineFlags(self, flags):
        self._record('undefine')
        if self.managed_save and not flags & 1:
            raise LibvirtError('Requested operation is not valid: domain has a managed save image')
        if self.isActive():
            # A running domain stays until it stops; the driver always stops it first.
            raise LibvirtError('test: undefined while running')
        del self.conn.domains[self._name]


class FakeConnection:
    def __init__(self, uri='qemu:///system', kvm=False):
        self.uri = uri
        self.domains = {}
        self.kvm = kvm
        self.fail_create = False
        self.alive = True
        self.secrets = {}   # (usage type, usage name) -> FakeSecret

    def isAlive(self):
        return self.alive

    def getLibVersion(self):
        return 9000000

    def getVersion(self):
        return 7002000

    def getInfo(self):
        return ['x86_64', 8192, 4, 2000, 1, 1, 4, 1]

    def getCapabilities(self):
        kvm = "<domain type='kvm'/>" if self.kvm else ''
        return ("<capabilities><host><cpu><arch>x86_64</arch><model>EPYC</model>"
                "<vendor>AMD</vendor><feature name='avx2'/><feature name='aes'/></cpu>"
                "</host><guest><os_type>hvm</os_type><arch name='x86_64'>"
                "<domain type='qemu'/>%s</arch></guest></capabilities>" % kvm)

    def defineXML(self, xml):
        dom = FakeDomain(self, xml)
        existing = self.domains.get(dom.name())
        if existing is not None:
            existing.xml = xml
            return existing
        self.domains[dom.name()] = dom
        return dom

    def secretDefineXML(self, xml, flags=0):
        secret = FakeSecret(self, xml)
        if secret.usage in self.secrets:
            raise LibvirtError('secret for usage %s already defined' % (secret.usage,), 1)
        self.secrets[secret.usage] = secret
        return secret

    def secretLookupByUsage(self, usage_type, usage_id):
        try:
            return self.secrets[(usage_type, usage_id)]
        except KeyError:
            raise LibvirtError('Secret not found: no secret with matching usage', 66) \
                from None

    def lookupByName(self, name):
        try:
            return self.domains[name]
        except KeyError:
            raise LibvirtError("Domain not found: no domain with matching name '%s'" % name,
                               42) from None

    def listAllDomains(self, flags=0):
        return list(self.domains.values())


class FakeSecret:
    def __init__(self, conn, xml):
        self.conn = conn
        self.xml = xml
        tree = ET.fromstring(xml)
        self.usage = ({'volume': 1, 'ceph': 2, 'iscsi': 3}[tree.find('usage').get('type')],
                      tree.findtext('usage/target'))
        self.value = None

    def setValue(self, value, flags=0):
        self.value = value
        return 0

    def undefine(self):
        del self.conn.secrets[self.usage]
        return 0

