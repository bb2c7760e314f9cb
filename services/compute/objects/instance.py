from oslo_log import log as logging
from oslo_utils import versionutils
from oslo_versionedobjects import fields

from services.compute import exception
from services.compute.objects import base
from services.compute.objects import flavor as flavor_obj
from services.compute.objects import listing

LOG = logging.getLogger(__name__)

#: vm_state values (nova's).
ACTIVE, BUILDING, STOPPED, PAUSED, SUSPENDED, RESIZED, ERROR, DELETED, RESCUED, \
    SHELVED, SHELVED_OFFLOADED = ('active', 'building', 'stopped', 'paused', 'suspended',
                                  'resized', 'error', 'deleted', 'rescued', 'shelved',
                                  'shelved_offloaded')

#: A deleted server kept restorable until its compute reclaims it (nova's).
SOFT_DELETED = 'soft-delete'

#: system_metadata keys a shelved server carries until it is unshelved.
SHELVED_KEYS = ('shelved_at', 'shelved_image_id', 'shelved_host')
#: The system metadata key of the encrypted admin password a guest posted.
PASSWORD_KEY = 'password'
#: system_metadata key prefix of a port's device tag (``vif_tag_<port id>``),
#: given at boot (2.32, 2.42) or at interface attach (2.49).
VIF_TAG_PREFIX = 'vif_tag_'
#: system_metadata keys the API reads: the boot image's properties (each
#: under this prefix, as nova keeps them), the trusted certificate ids (JSON)
#: and the reason the server was locked.
IMAGE_PREFIX = 'image_'
TRUSTED_CERTS_KEY = 'trusted_image_certificates'
LOCKED_REASON_KEY = 'locked_reason'


def image_properties(instance):
    """The boot image's properties the server was built with (kept in its
    system metadata under ``IMAGE_PREFIX``)."""
    return {key[len(IMAGE_PREFIX):]: value
            for key, value in (instance.system_metadata or {}).items()
            if key.startswith(IMAGE_PREFIX)}

#: power_state values (libvirt's numbering, as nova shows them).
NOSTATE, RUNNING, PAUSED_POWER, SHUTDOWN, CRASHED, SUSPENDED_POWER = 0, 1, 3, 4, 6, 7


@base.register
class Instance(base.ComputeObject):
    # 1.0: initial; 1.1: auto_disk_config; 1.2: save_and_release
    VERSION = '1.2'
    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'project_id': fields.StringField(),
        'user_id': fields.StringField(),
        'display_name': fields.StringField(nullable=True),
        'display_description': fields.StringField(nullable=True),
        'hostname': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'node': fields.StringField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
        'requested_availability_zone': fields.StringField(nullable=True),
        'vm_state': fields.StringField(),
        'task_state': fields.StringField(nullable=True),
        'power_state': fields.IntegerField(default=NOSTATE),
        'image_ref': fields.StringField(nullable=True),
        'flavor': base.JSONField(),
        'old_flavor': base.JSONField(nullable=True),
        'new_flavor': base.JSONField(nullable=True),
        'vcpus': fields.IntegerField(default=0),
        'memory_mb': fields.IntegerField(default=0),
        'root_gb': fields.IntegerField(default=0),
        'key_name': fields.StringField(nullable=True),
        'key_data': fields.StringField(nullable=True),
        'user_data': fields.StringField(nullable=True),
        'metadata': fields.DictOfStringsField(default={}),
        'system_metadata': fields.DictOfNullableStringsField(default={}),
        'tags': fields.ListOfStringsField(default=[]),
        'network_info': base.JSONField(default=[]),
        'requested_networks': base.JSONField(nullable=True),
        'security_groups': base.JSONField(default=[]),
        'access_ip_v4': fields.StringField(nullable=True),
        'access_ip_v6': fields.StringField(nullable=True),
        'locked': fields.BooleanField(default=False),
        'locked_by': fields.StringField(nullable=True),
        'config_drive': fields.StringField(nullable=True),
        'auto_disk_config': fields.BooleanField(nullable=True),
        'progress': fields.IntegerField(nullable=True),
        'reservation_id': fields.StringField(nullable=True),
        'launch_index': fields.IntegerField(nullable=True),
        'server_group_uuid': fields.StringField(nullable=True),
        'scheduler_hints': base.JSONField(nullable=True),
        'launched_at': fields.DateTimeField(nullable=True),
        'terminated_at': fields.DateTimeField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
        'deleted': fields.BooleanField(default=False),
        # Not a column: the latest fault, filled when asked for.
        'fault': base.JSONField(nullable=True),
    }

    @base.remotable
    def create(self):
        values = self.changes()
        values.pop('fault', None)
        self._from_db(self._context, base.db().instance_create(values), self)

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('auto_disk_config', None)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid, with_fault=False, read_deleted=False):
        values = base.db().instance_get(uuid, read_deleted=read_deleted)
        if with_fault:
            values['fault'] = base.db().fault_get_latest([uuid]).get(uuid)
        return cls._from_db(context, values)

    @base.remotable
    def save(self, expected_task_state=None, expected_vm_state=None):
        """Write changed fields; ``expected_*`` make the write conditional
        (409 when another request changed the state first)."""
        updates = self.changes()
        updates.pop('fault', None)
        if not updates:
            return
        values = base.db().instance_update(self.uuid, updates, expected_task_state,
                                           expected_vm_state)
        fault = self.fault if self.obj_attr_is_set('fault') else None
        self._from_db(self._context, dict(values, fault=fault), self)

    @base.remotable
    def save_and_release(self, host, expected_task_state=None, expected_vm_state=None):
        """:meth:`save`, and give back the server's claim (its flavor's
        resources) on ``host`` in the same transaction: the server leaving
        a host and the host's claim going back are both written or neither.
        InstanceNotFound / InstanceInvalidState (nothing written) when
        another request moved the server on first; that one gives it back."""
        updates = self.changes()
        updates.pop('fault', None)
        values = base.db().instance_update_and_release(
            self.uuid, updates, host, *self.claim_args(),
            expected_task_state=expected_task_state, expected_vm_state=expected_vm_state)
        fault = self.fault if self.obj_attr_is_set('fault') else None
        self._from_db(self._context, dict(values, fault=fault), self)

    @base.remotable
    def destroy(self):
        base.db().instance_destroy(self.uuid)
        self.deleted = True
        self.vm_state = DELETED
        self.obj_reset_changes()

    @base.remotable
    def add_fault(self, code, message, details=None, host=None):
        fault = base.db().fault_create({'instance_uuid': self.uuid, 'code': code,
                                        'message': (message or '')[:255],
                                        'details': details, 'host': host})
        self.fault = fault
        self.obj_reset_changes(['fault'])

    def set_error(self, message, details=None, code=500, expected_task_state=None,
                  expected_vm_state=None, release_on=None):
        """Put the server in ERROR with a fault the API shows; with
        ``expected_*`` only from those states.  With ``release_on`` (a host)
        its claim there goes back in the same transaction as the state
        move (:meth:`save_and_release`).  True when it went to ERROR."""
        LOG.warning('Server %s goes to ERROR: %s', self.uuid, message)
        # The fault first, so nobody sees an ERROR server without its reason.
        self.add_fault(code, message, details, host=self.host)
        self.vm_state = ERROR
        self.task_state = None
        try:
            if release_on:
                self.save_and_release(release_on, expected_task_state=expected_task_state,
                                      expected_vm_state=expected_vm_state)
            else:
                self.save(expected_task_state=expected_task_state,
                          expected_vm_state=expected_vm_state)
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            return False
        return True

    def claim_args(self, old=False):
        """(vcpus, memory_mb, disk_gb) the server holds on its host for its
        flavor (``old``: for the flavor it had before a resize)."""
        return flavor_obj.claim_args(self.old_flavor if old else self.flavor,
                                     self.is_volume_backed)

    @property
    def is_volume_backed(self):
        """It boots from a volume: the only servers without an image of their own."""
        return not self.image_ref

    @property
    def name(self):
        return self.display_name


@base.register
class InstanceList(base.ComputeObjectList, base.ComputeObject):
    # 1.0: initial; 1.1: get_usage_window
    VERSION = '1.1'
    fields = {'objects': fields.ListOfObjectsField('compute.Instance')}

    @base.remotable_classmethod
    def get_by_filters(cls, context, filters, sort_keys=('created_at',), sort_dirs=('desc',),
                       limit=None, marker=None, with_faults=False):
        rows = base.db().instance_get_all(filters, sort_keys, sort_dirs, limit, marker)
        if with_faults:
            faults = base.db().fault_get_latest(
                [r['uuid'] for r in rows if r['vm_state'] == ERROR])
            for row in rows:
                row['fault'] = faults.get(row['uuid'])
        return cls._from_rows(context, Instance, rows)

    @base.remotable_classmethod
    def get_listing(cls, context, filters, sort_keys=('created_at',), sort_dirs=('desc',),
                    limit=None, marker=None, with_faults=False):
        """Read-only rows for API listings, as one JSON document (a string).

        A listing never saves, so it skips objects, per-field coercion and
        the serializer's walk over every value: the conductor reads only the
        columns a listing shows, column by column, passes the JSON columns
        through as the text they are stored as, and encodes the lot once
        with orjson.  Decode with :func:`decode_listing`.
        """
        db = base.db()
        rows = db.instance_get_all(filters, sort_keys, sort_dirs, limit, marker,
                                   columns=listing.COLUMNS)
        faults = db.fault_get_latest(
            [r['uuid'] for r in rows if r['vm_state'] == ERROR]) if with_faults else {}
        return listing.encode(rows, faults)

    @base.remotable_classmethod
    def get_usage(cls, context, project_id, user_id=None):
        """Counted usage for quotas: instances, cores, ram."""
        return base.db().instance_usage(project_id, user_id)

    @base.remotable_classmethod
    def get_usage_window(cls, context, begin, end, project_id=None, limit=None,
                         marker=None):
        """os-simple-tenant-usage rows (dicts): servers, deleted ones too,
        that ran between ``begin`` and ``end`` (naive UTC ISO strings), by
        project and uuid, paged with ``limit`` / ``marker`` (a uuid)."""
        return base.db().instance_usage_window(begin, end, project_id, limit, marker)


def decode_listing(document):
    return [InstanceRecord(row) for row in listing.decode(document)]


class InstanceRecord:
    """Attribute access over one :meth:`InstanceList.get_listing` row.

    Timestamps stay ISO strings; the API views accept both forms.
    """

    def __init__(self, values):
        self.__dict__.update(values)

    def obj_attr_is_set(self, name):
        return name in self.__dict__

    @property
    def name(self):
        return self.display_name
