"""What the scheduler knows about each compute host for one request.

Built from the resource reports compute nodes send through the conductor
(ComputeNode), the service heartbeats and the host aggregates; requests
for several servers consume from it so one call never oversubscribes.
"""

from oslo_config import cfg

from common import servicegroup

CONF = cfg.CONF


class HostState:
    def __init__(self, node, service, aggregates):
        self.host = node.host
        self.nodename = node.hypervisor_hostname
        self.hypervisor_type = node.hypervisor_type
        self.cpu_info = node.cpu_info or {}
        self.total_vcpus = node.vcpus * node.cpu_allocation_ratio
        self.total_ram_mb = node.memory_mb * node.ram_allocation_ratio
        self.total_disk_gb = node.local_gb * node.disk_allocation_ratio
        self.free_vcpus = node.free_vcpus
        self.free_ram_mb = node.free_ram_mb
        self.free_disk_gb = node.free_disk_gb
        self.num_instances = node.running_vms
        self.service = service
        self.aggregates = aggregates
        self.group_members = 0

    @property
    def enabled(self):
        return self.service is not None and not self.service.disabled

    @property
    def up(self):
        return self.service is not None and servicegroup.is_up(
            self.service.last_seen_at, CONF.service.service_down_time,
            self.service.forced_down)

    @property
    def availability_zone(self):
        for agg in self.aggregates:
            if agg.metadata.get('availability_zone'):
                return agg.metadata['availability_zone']
        return CONF.compute.default_availability_zone

    def aggregate_metadata(self):
        """Aggregate metadata of this host as key -> set of values."""
        merged = {}
        for agg in self.aggregates:
            for key, value in agg.metadata.items():
                merged.setdefault(key, set()).update(v.strip() for v in value.split(','))
        return merged

    def consume(self, spec):
        self.free_vcpus -= spec.flavor['vcpus']
        self.free_ram_mb -= spec.flavor['memory_mb']
        self.free_disk_gb -= spec.requested_disk_gb()
        self.num_instances += 1
        self.group_members += 1

    def __repr__(self):
        return '<HostState %s ram=%s disk=%s vcpus=%s>' % (
            self.host, self.free_ram_mb, self.free_disk_gb, self.free_vcpus)

