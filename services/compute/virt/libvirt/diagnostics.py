"""A running domain's figures as nova's diagnostics (2.48 form).

:func:`collect` reads them through libvirt-python: ``dom.info()`` (state,
maximum memory, vCPUs), ``dom.vcpus()`` (CPU time per vCPU),
``dom.memoryStats()``, ``dom.blockStats()`` per disk and
``dom.interfaceStats()`` per NIC of the live XML. The guest's uptime is the
age of its QEMU process (libvirt's pid file), so a reboot or stop/start
restarts it, as ``uptime`` inside the guest would.
"""

import os
import time
import xml.etree.ElementTree as ET

# virDomainState -> nova's diagnostics state names.
STATE_NAMES = {0: 'pending', 1: 'running', 2: 'blocked', 3: 'paused', 4: 'shutdown',
               5: 'shutdown', 6: 'crashed', 7: 'suspended'}
_PID_DIR = '/run/libvirt/qemu'


def devices(xml):
    """(disk targets, [(NIC target, MAC)]) of the domain XML; only disks
    with a source (an empty CD-ROM has no figures)."""
    root = ET.fromstring(xml)
    disks = []
    for disk in root.findall('./devices/disk'):
        target, source = disk.find('target'), disk.find('source')
        if target is not None and source is not None:
            disks.append(target.get('dev'))
    nics = []
    for iface in root.findall('./devices/interface'):
        target, mac = iface.find('target'), iface.find('mac')
        if target is not None:
            nics.append((target.get('dev'), mac.get('address') if mac is not None else None))
    return disks, nics


def process_uptime(name, pid_dir=_PID_DIR, proc='/proc'):
    """Seconds since the QEMU process of domain ``name`` started, or None."""
    try:
        with open(os.path.join(pid_dir, name + '.pid')) as f:
            pid = int(f.read().strip())
        with open(os.path.join(proc, str(pid), 'stat')) as f:
            # Field 22 (starttime, clock ticks after boot) follows the
            # command name, which may hold spaces: split after its ')'.
            start_ticks = int(f.read().rsplit(')', 1)[1].split()[19])
        with open(os.path.join(proc, 'uptime')) as f:
            host_up = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return max(int(host_up - start_ticks / os.sysconf('SC_CLK_TCK')), 0)


def collect(dom, virt_type, config_drive, launched_at=None):
    """The diagnostics dict of a running domain (see
    :meth:`ComputeDriver.get_diagnostics`)."""
    state, max_mem_kib, mem_kib, num_cpus, _cpu_time = dom.info()
    disks, nics = devices(dom.XMLDesc(0))
    uptime = process_uptime(dom.name())
    if uptime is None and launched_at is not None:
        uptime = max(int(time.time() - launched_at.timestamp()), 0)
    try:
        stats = dict(dom.memoryStats())
    except Exception:  # not every QEMU answers it
        stats = {}
    used_kib = stats.get('rss', mem_kib)
    cpus = []
    try:
        for vcpu in dom.vcpus()[0]:
            cpus.append({'id': vcpu[0], 'time': vcpu[2], 'utilisation': None})
    except Exception:  # vcpus() refuses a paused or still-starting guest
        cpus = [{'id': i, 'time': None, 'utilisation': None} for i in range(num_cpus)]
    disk_details = []
    for dev in disks:
        rd_req, rd_bytes, wr_req, wr_bytes, errs = dom.blockStats(dev)
        disk_details.append({'device': dev, 'read_bytes': rd_bytes,
                             'read_requests': rd_req, 'write_bytes': wr_bytes,
                             'write_requests': wr_req, 'errors_count': errs})
    nic_details = []
    for dev, mac in nics:
        (rx_bytes, rx_packets, rx_errs, rx_drop,
         tx_bytes, tx_packets, tx_errs, tx_drop) = dom.interfaceStats(dev)
        nic_details.append({'device': dev, 'mac_address': mac, 'rx_octets': rx_bytes,
                            'rx_errors': rx_errs, 'rx_drop': rx_drop,
                            'rx_packets': rx_packets, 'rx_rate': None,
                            'tx_octets': tx_bytes, 'tx_errors': tx_errs,
                            'tx_drop': tx_drop, 'tx_packets': tx_packets, 'tx_rate': None})
    return {'state': STATE_NAMES.get(state, 'pending'), 'driver': 'libvirt',
            'hypervisor': virt_type, 'hypervisor_os': 'linux', 'uptime': uptime,
            'config_drive': config_drive, 'num_cpus': num_cpus,
            'num_disks': len(disk_details), 'num_nics': len(nic_details),
            'cpu_details': cpus, 'disk_details': disk_details, 'nic_details': nic_details,
            'memory_details': {'maximum': max_mem_kib // 1024, 'used': used_kib // 1024},
            'memory_stats': stats}
