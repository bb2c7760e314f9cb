from oslo_utils import versionutils
from oslo_versionedobjects import fields

from services.compute.objects import base


@base.register
class ComputeNode(base.ComputeObject):
    # 1.1: vcpus_reserved, memory_mb_reserved, local_gb_reserved
    # 1.2: claim_and_place
    VERSION = '1.2'
    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(),
        'hypervisor_hostname': fields.StringField(),
        'hypervisor_type': fields.StringField(),
        'hypervisor_version': fields.IntegerField(default=0),
        'host_ip': fields.StringField(nullable=True),
        'cpu_info': base.JSONField(nullable=True),
        'vcpus': fields.IntegerField(),
        'memory_mb': fields.IntegerField(),
        'local_gb': fields.IntegerField(),
        'vcpus_used': fields.IntegerField(),
        'memory_mb_used': fields.IntegerField(),
        'local_gb_used': fields.IntegerField(),
        'running_vms': fields.IntegerField(),
        'cpu_allocation_ratio': fields.FloatField(),
        'ram_allocation_ratio': fields.FloatField(),
        'disk_allocation_ratio': fields.FloatField(),
        # Held back by an operator (placement inventory ``reserved``).
        'vcpus_reserved': fields.IntegerField(default=0),
        'memory_mb_reserved': fields.IntegerField(default=0),
        'local_gb_reserved': fields.IntegerField(default=0),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            for name in ('vcpus_reserved', 'memory_mb_reserved', 'local_gb_reserved'):
                primitive.pop(name, None)

    @base.remotable_classmethod
    def report(cls, context, host, resources):
        """Store the capacity a compute node measured."""
        return cls._from_db(context, base.db().compute_node_report(host, resources))

    @base.remotable_classmethod
    def get_by_id(cls, context, node_id):
        return cls._from_db(context, base.db().compute_node_get(node_id))

    @base.remotable_classmethod
    def claim(cls, context, host, vcpus, memory_mb, disk_gb):
        """Atomically take resources; True when they fit."""
        return base.db().compute_node_claim(host, vcpus, memory_mb, disk_gb)

    @base.remotable_classmethod
    def claim_and_place(cls, context, host, instance_uuid, values, vcpus, memory_mb, disk_gb,
                        expected_task_state, expected_vm_state):
        """Take resources on ``host`` and write the server's placement
        ``values`` in one transaction (both or neither); True when placed,
        False when the resources do not fit.  InstanceNotFound or
        InstanceInvalidState when the server is gone or in another state."""
        return base.db().instance_claim_and_place(
            instance_uuid, host, values, vcpus, memory_mb, disk_gb,
            expected_task_state, expected_vm_state) is not None

    @base.remotable_classmethod
    def release(cls, context, host, vcpus, memory_mb, disk_gb):
        base.db().compute_node_release(host, vcpus, memory_mb, disk_gb)

    @property
    def free_ram_mb(self):
        return (self.memory_mb - self.memory_mb_reserved) * self.ram_allocation_ratio - \
            self.memory_mb_used

    @property
    def free_disk_gb(self):
        return (self.local_gb - self.local_gb_reserved) * self.disk_allocation_ratio - \
            self.local_gb_used

    @property
    def free_vcpus(self):
        return (self.vcpus - self.vcpus_reserved) * self.cpu_allocation_ratio - self.vcpus_used


@base.register
class ComputeNodeList(base.ComputeObjectList, base.ComputeObject):
    # 1.1: ComputeNode 1.1
    VERSION = '1.1'
    fields = {'objects': fields.ListOfObjectsField('compute.ComputeNode')}

    @base.remotable_classmethod
    def get_all(cls, context, host=None):
        return cls._from_rows(context, ComputeNode, base.db().compute_node_get_all(host))
