

class RamFilter:
    """Free RAM (after the allocation ratio) covers the flavor."""

    def host_passes(self, host, spec):
        return host.free_ram_mb >= spec.flavor['memory_mb']


class DiskFilter:
    def host_passes(self, host, spec):
        return host.free_disk_gb >= spec.requested_disk_gb()


class CoreFilter:
    def host_passes(self, host, spec):
        return host.free_vcpus >= spec.flavor['vcpus']
