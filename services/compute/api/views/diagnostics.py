"""Server diagnostics bodies: nova's standard form (2.48 on) and the
driver-shaped flat form of earlier microversions, both from the figures a
driver's ``get_diagnostics`` answers."""

_STANDARD = ('state', 'driver', 'hypervisor', 'hypervisor_os', 'uptime', 'config_drive',
             'num_cpus', 'num_disks', 'num_nics', 'memory_details')
_DISK = ('read_bytes', 'read_requests', 'write_bytes', 'write_requests', 'errors_count')
_NIC = ('mac_address', 'rx_octets', 'rx_errors', 'rx_drop', 'rx_packets', 'rx_rate',
        'tx_octets', 'tx_errors', 'tx_drop', 'tx_packets', 'tx_rate')
# legacy key suffix -> standard field
_LEGACY_DISK = (('_read_req', 'read_requests'), ('_read', 'read_bytes'),
                ('_write_req', 'write_requests'), ('_write', 'write_bytes'),
                ('_errors', 'errors_count'))
_LEGACY_NIC = (('_rx', 'rx_octets'), ('_rx_packets', 'rx_packets'),
               ('_rx_errors', 'rx_errors'), ('_rx_drop', 'rx_drop'), ('_tx', 'tx_octets'),
               ('_tx_packets', 'tx_packets'), ('_tx_errors', 'tx_errors'),
               ('_tx_drop', 'tx_drop'))


def standard(figures):
    """The 2.48 body."""
    body = {key: figures.get(key) for key in _STANDARD}
    body['cpu_details'] = [{'id': c.get('id'), 'time': c.get('time'),
                            'utilisation': c.get('utilisation')}
                           for c in figures.get('cpu_details') or []]
    body['disk_details'] = [{k: d.get(k) for k in _DISK}
                            for d in figures.get('disk_details') or []]
    body['nic_details'] = [{k: n.get(k) for k in _NIC}
                           for n in figures.get('nic_details') or []]
    return body


def legacy(figures):
    """The body before 2.48: flat keys named after the guest's devices
    (``cpu0_time``, ``vda_read``, ``tap..._rx``, ``memory``, ``memory-<stat>``),
    as nova's libvirt driver answered."""
    body = {}
    for cpu in figures.get('cpu_details') or []:
        body['cpu%s_time' % cpu.get('id')] = cpu.get('time')
    for disk in figures.get('disk_details') or []:
        for suffix, key in _LEGACY_DISK:
            body[disk.get('device', 'disk') + suffix] = disk.get(key)
    for nic in figures.get('nic_details') or []:
        for suffix, key in _LEGACY_NIC:
            body[nic.get('device', 'nic') + suffix] = nic.get(key)
    memory = figures.get('memory_details') or {}
    body['memory'] = (memory.get('maximum') or 0) * 1024  # KiB, as libvirt counts
    for stat, value in (figures.get('memory_stats') or {}).items():
        body['memory-%s' % stat] = value
    return body
