"""What a placement asks for: the request spec of a build, reschedule,
resize, cold migration, evacuation or unshelve.

The API builds it, the conductor hands it to the scheduler and then to the
chosen compute host, which hands it back to the conductor when the build
fails there.  Before conductor RPC 1.2, scheduler 1.1 and compute 1.3 it
travelled as a plain dict (:meth:`RequestSpec.to_legacy_dict`); managers
still take that dict from older clients (:meth:`RequestSpec.from_rpc`), and
clients send it while ``[upgrade_levels]`` caps them below those versions
(:func:`wire_form`).
"""

from oslo_versionedobjects import fields

from services.compute.objects import base
from services.compute.objects import flavor as flavor_obj


@base.register
class RequestSpec(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'project_id': fields.StringField(nullable=True, default=None),
        # The flavor snapshot the server gets (Flavor.snapshot()).
        'flavor': base.JSONField(),
        # {'id', 'name', 'min_disk', 'min_ram', 'properties'}; only 'id' and
        # 'properties' for a resize, migration or unshelve.
        'image': base.JSONField(nullable=True, default=None),
        'availability_zone': fields.StringField(nullable=True, default=None),
        'scheduler_hints': base.JSONField(default={}),
        # Only these hosts (a forced host, an evacuation target).
        'force_hosts': fields.ListOfStringsField(default=[]),
        # The server group: {'uuid', 'policy', 'rules', 'hosts'}.
        'group': base.JSONField(nullable=True, default=None),
        # Build attempts so far and the hosts they failed on.
        'num_attempts': fields.IntegerField(default=1),
        'failed_hosts': fields.ListOfStringsField(default=[]),
    }

    def __init__(self, context=None, **kwargs):
        super().__init__(context, **kwargs)
        unset = [name for name, field in self.fields.items()
                 if field.default != fields.UnspecifiedDefault
                 and not self.obj_attr_is_set(name)]
        if unset:
            self.obj_set_defaults(*unset)

    def claim_args(self):
        """(vcpus, memory_mb, disk_gb) to claim on a host for one server."""
        return flavor_obj.claim_args(self.flavor, self.is_volume_backed)

    def requested_disk_gb(self):
        return flavor_obj.requested_disk_gb(self.flavor, self.is_volume_backed)

    @property
    def is_volume_backed(self):
        """The server boots from a volume: its image (given) has no id."""
        return self.image is not None and not self.image.get('id')

    @classmethod
    def from_rpc(cls, value):
        """The spec an RPC argument carries: the object itself, or the dict
        an older client sends."""
        if isinstance(value, cls):
            return value
        retry = value.get('retry') or {}
        return cls(project_id=value.get('project_id'), flavor=value['flavor'],
                   image=value.get('image'),
                   availability_zone=value.get('availability_zone'),
                   scheduler_hints=value.get('scheduler_hints') or {},
                   force_hosts=list(value.get('force_hosts') or []),
                   group=value.get('group'),
                   num_attempts=retry.get('num_attempts', 1),
                   failed_hosts=list(retry.get('hosts') or []))

    def to_legacy_dict(self):
        """The dict form managers before the object took."""
        spec = {'flavor': self.flavor, 'image': self.image,
                'availability_zone': self.availability_zone,
                'scheduler_hints': self.scheduler_hints, 'project_id': self.project_id,
                'retry': {'num_attempts': self.num_attempts,
                          'hosts': list(self.failed_hosts)}}
        if self.force_hosts:
            spec['force_hosts'] = list(self.force_hosts)
        if self.group:
            spec['group'] = self.group
        return spec


def wire_form(client, version, legacy_version, spec):
    """``(version, request_spec)`` to send: ``spec`` itself at ``version``
    when the client's cap allows it, else its dict at ``legacy_version``."""
    if client.can_send_version(version):
        return version, spec
    return legacy_version, spec.to_legacy_dict()
