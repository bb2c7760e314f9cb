"""Block device mappings: the volumes a server boots from or has attached.

A mapping is written in steps, each a conductor call: reserved (device
name chosen, ``attachment_id`` of the volume service's reservation), then
connected (``connection_info`` saved once the guest has the disk); it is
destroyed when the volume is detached or the server deleted.
"""

from oslo_versionedobjects import fields

from services.compute.objects import base


@base.register
class BlockDeviceMapping(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'instance_uuid': fields.UUIDField(),
        'source_type': fields.StringField(),
        'destination_type': fields.StringField(),
        'volume_id': fields.StringField(nullable=True),
        'image_id': fields.StringField(nullable=True),
        'volume_size': fields.IntegerField(nullable=True),
        'boot_index': fields.IntegerField(nullable=True),
        'device_name': fields.StringField(nullable=True),
        'disk_bus': fields.StringField(nullable=True),
        'device_type': fields.StringField(nullable=True),
        'delete_on_termination': fields.BooleanField(default=False),
        'tag': fields.StringField(nullable=True),
        'attachment_id': fields.StringField(nullable=True),
        'connection_info': base.JSONField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @property
    def is_volume(self):
        return self.destination_type == 'volume'

    @property
    def is_root(self):
        return self.boot_index == 0

    @property
    def snapshot_id(self):
        """The volume snapshot a ``snapshot`` mapping's volume is made of.
        Kept in the ``image_id`` field (the source a new volume is made of),
        which spares this object a new version and its table a column."""
        return self.image_id if self.source_type == 'snapshot' else None

    @base.remotable
    def create(self):
        self._from_db(self._context, base.db().bdm_create(self.changes()), self)

    @base.remotable_classmethod
    def get_by_volume(cls, context, instance_uuid, volume_id):
        return cls._from_db(context, base.db().bdm_get_by_volume(instance_uuid, volume_id))

    @base.remotable
    def save(self):
        updates = self.changes()
        updates.pop('id', None)
        if updates:
            self._from_db(self._context, base.db().bdm_update(self.uuid, updates), self)

    @base.remotable
    def destroy(self):
        base.db().bdm_destroy(self.uuid)

    @base.remotable
    def reserve(self, guest_devices):
        """Insert the mapping with the device name it gets: the requested
        ``device_name`` when free, else the next ``/dev/vdX`` after the
        server's other mappings and ``guest_devices``.  The conductor's
        ``reserve_block_device_name`` runs it."""
        self._from_db(self._context, base.db().bdm_reserve(self.changes(), guest_devices),
                      self)


@base.register
class BlockDeviceMappingList(base.ComputeObjectList, base.ComputeObject):
    # 1.1: get_by_volume_id
    VERSION = '1.1'
    fields = {'objects': fields.ListOfObjectsField('compute.BlockDeviceMapping')}

    @base.remotable_classmethod
    def get_by_instance_uuids(cls, context, instance_uuids):
        return cls._from_rows(context, BlockDeviceMapping,
                              base.db().bdm_get_all(list(instance_uuids)))

    @base.remotable_classmethod
    def get_by_volume_id(cls, context, volume_id):
        """The mappings of ``volume_id`` on any server (the servers a volume
        is attached to: one, or several for a multi-attach volume)."""
        return cls._from_rows(context, BlockDeviceMapping,
                              base.db().bdm_get_by_volume_id(volume_id))

    @classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        return cls.get_by_instance_uuids(context, [instance_uuid])


def volumes_by_instance(bdms):
    """``{instance_uuid: [volume mapping, ...]}`` of a mapping list."""
    found = {}
    for bdm in bdms:
        if bdm.is_volume and bdm.volume_id:
            found.setdefault(bdm.instance_uuid, []).append(bdm)
    return found
