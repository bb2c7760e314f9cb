from oslo_versionedobjects import fields

from services.compute.objects import base


@base.register
class Flavor(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'flavorid': fields.StringField(),
        'name': fields.StringField(),
        'memory_mb': fields.IntegerField(),
        'vcpus': fields.IntegerField(),
        'root_gb': fields.IntegerField(default=0),
        'ephemeral_gb': fields.IntegerField(default=0),
        'swap': fields.IntegerField(default=0),
        'rxtx_factor': fields.FloatField(default=1.0),
        'is_public': fields.BooleanField(default=True),
        'disabled': fields.BooleanField(default=False),
        'description': fields.StringField(nullable=True),
        'extra_specs': fields.DictOfStringsField(default={}),
        'projects': fields.ListOfStringsField(default=[]),
    }

    @base.remotable
    def create(self):
        self._from_db(self._context, base.db().flavor_create(self.changes()), self)

    @base.remotable_classmethod
    def get_by_flavor_id(cls, context, flavorid):
        return cls._from_db(context, base.db().flavor_get(flavorid))

    @base.remotable_classmethod
    def get_by_name(cls, context, name):
        return cls._from_db(context, base.db().flavor_get_by_name(name))

    @base.remotable
    def save(self):
        updates = self.changes()
        updates.pop('projects', None)
        if updates:
            self._from_db(self._context, base.db().flavor_update(self.flavorid, updates), self)

    @base.remotable
    def add_access(self, project_id):
        self._from_db(self._context, base.db().flavor_add_project(self.flavorid, project_id),
                      self)

    @base.remotable
    def remove_access(self, project_id):
        self._from_db(self._context,
                      base.db().flavor_remove_project(self.flavorid, project_id), self)

    @base.remotable
    def destroy(self):
        base.db().flavor_destroy(self.flavorid)

    def snapshot(self):
        """The copy of this flavor an instance keeps (nova's embedded flavor)."""
        return {key: getattr(self, key) for key in (
            'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb', 'swap',
            'rxtx_factor', 'extra_specs', 'description')}


def requested_disk_gb(snapshot, volume_backed=False):
    """Disk a server of the flavor ``snapshot`` takes on its host: root,
    ephemeral and swap (MiB, rounded up to GiB); a ``volume_backed`` server's
    root disk is its volume, not the host's disk (nova's too)."""
    root = 0 if volume_backed else snapshot.get('root_gb', 0)
    return root + snapshot.get('ephemeral_gb', 0) + (snapshot.get('swap', 0) + 1023) // 1024


def claim_args(snapshot, volume_backed=False):
    """(vcpus, memory_mb, disk_gb) a server of the flavor ``snapshot`` claims
    on its host (:meth:`ComputeNode.claim` / ``release``)."""
    return (snapshot['vcpus'], snapshot['memory_mb'],
            requested_disk_gb(snapshot, volume_backed))


@base.register
class FlavorList(base.ComputeObjectList, base.ComputeObject):
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('compute.Flavor')}

    @base.remotable_classmethod
    def get_all(cls, context, project_id=None, is_public=True, min_ram=None, min_disk=None,
                sort_key='flavorid', sort_dir='asc', limit=None, marker=None):
        return cls._from_rows(context, Flavor, base.db().flavor_get_all(
            project_id, is_public, min_ram, min_disk, sort_key, sort_dir, limit, marker))
