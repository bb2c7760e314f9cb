"""Volume conductor: the only process with the volume database.

It answers the API's reads and writes, checks state transitions and quotas
in the transaction that writes them, hands new volumes to the scheduler and
the work on a volume to the volume host that holds it.  Every read and write
is scoped to the caller's project unless the caller is an admin (another
project's resources are "not found").
"""

import datetime
import functools
import random
import time

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from common import exception as common_exc
from common import servicegroup
from services.volume import exception
from services.volume import messages
from services.volume.conductor import rpcapi
from services.volume.backup import rpcapi as backup_rpcapi
from services.volume.db import api as db_api
from services.volume.db import backups as db_backups
from services.volume.db import messages as db_messages
from services.volume.db import qos as db_qos
from services.volume.db import transfers as db_transfers
from services.volume.scheduler import filters
from services.volume.scheduler import rpcapi as scheduler_rpcapi
from services.volume.volume import rpcapi as volume_rpcapi

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
BINARY = 'alto-volume-conductor'
VOLUME_BINARY = 'alto-volume'
BACKUP_BINARY = 'alto-volume-backup'
QUOTA_RESOURCES = ('volumes', 'snapshots', 'gigabytes', 'per_volume_gigabytes', 'backups',
                   'backup_gigabytes', 'groups')


def _expected(func):
    """Client errors go back to the caller without a traceback in our log."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except common_exc.AltoError as exc:
            if exc.code >= 500:
                raise
            raise messaging.ExpectedException()
    return wrapper


def _scope(context):
    """The project a request may see, or None for an admin (every project)."""
    return None if context.is_admin else context.project_id


def _sorts(sorts):
    return [tuple(s) for s in sorts] if sorts else [('created_at', 'desc')]


class ConductorManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def __init__(self, host=None):
        self.host = host or CONF.host
        self.scheduler_api = scheduler_rpcapi.SchedulerAPI()
        self.volume_api = volume_rpcapi.VolumeAPI()
        self.backup_api = backup_rpcapi.BackupAPI()
        self.periodic_tasks = [(self._cleanup_stuck, CONF.volume_conductor.cleanup_interval)]

    def init_host(self):
        # what a conductor (or scheduler, or volume host) that died left behind
        try:
            self._cleanup_stuck()
        except Exception:
            LOG.exception('Settling volumes left in a passing state')

    def report_state(self):
        db_api.service_report(self.host, BINARY, rpcapi.TOPIC, None, rpcapi.RPC_API_VERSION)

    def ping(self, context):
        return 'pong'

    # -- clean-up of passing states nobody drives any more -------------------------
    def _cleanup_stuck(self):
        """Settle what a process killed mid-operation left behind: a volume
        ``creating`` that no backend took, an attachment whose create asked
        for an export and never recorded it (its volume stays ``reserved``
        and the caller never learnt its id), a volume ``deleting`` that its
        host never removed.  Only what has not changed for
        ``stuck_timeout`` seconds: work in progress updates its record
        before then, and every change here expects the status it found."""
        from common import context as alto_context
        ctx = alto_context.get_admin_context()
        before = db_api.now() - datetime.timedelta(
            seconds=CONF.volume_conductor.stuck_timeout)
        settled = {'creating': 0, 'connecting': 0, 'deleting': 0}
        for volume in db_api.passing_before('creating', before, without_host=True):
            try:
                db_api.volume_update(volume['id'], {
                    'status': 'error',
                    'error_reason': 'No backend took the volume (a service restarted while '
                                    'it was being scheduled).'},
                    {'status': ['creating'], 'host': [None]})
            except (exception.VolumeNotFound, exception.InvalidVolume):
                continue
            self.message_create(ctx, volume['project_id'], messages.RESOURCE_VOLUME,
                                volume['id'], messages.SCHEDULE, messages.UNKNOWN)
            settled['creating'] += 1
        for attachment in db_api.attachments_connecting_before(before):
            try:
                db_api.attachment_destroy(attachment['id'])
                volume = db_api.volume_get(attachment['volume_id'])
            except (exception.AttachmentNotFound, exception.VolumeNotFound):
                continue
            if volume['host']:   # withdraw the export in case it was made
                self.volume_api.terminate_connection(ctx, volume['host'], volume['id'],
                                                     attachment['connector'])
            settled['connecting'] += 1
        hosts_up = {svc['host'] for svc in db_api.service_list(binary=VOLUME_BINARY)
                    if self._is_up(svc) and not svc['disabled']}
        for volume in db_api.passing_before('deleting', before):
            if not volume['host']:
                db_api.volume_destroy(volume['id'])
            elif volume['host'] in hosts_up:
                # a host that is down deletes it at its start-up (cleanup_interrupted)
                try:
                    db_api.volume_update(volume['id'], {}, {'status': ['deleting']})
                except (exception.VolumeNotFound, exception.InvalidVolume):
                    continue
                cascade = bool(db_api.snapshot_list({'volume_id': volume['id']}))
                self.volume_api.delete_volume(ctx, volume['host'], volume['id'], cascade)
            else:
                continue
            settled['deleting'] += 1
        if any(settled.values()):
            LOG.warning('Settled volumes left in a passing state: %d creating without a '
                        'backend (now error), %d attachments never exported (removed), %d '
                        'deletes asked again', settled['creating'], settled['connecting'],
                        settled['deleting'])
        return settled

    # -- services ------------------------------------------------------------------
    @_expected
    def service_report(self, context, host, binary, topic, availability_zone,
                       capabilities=None):
        db_api.service_report(host, binary, topic, availability_zone, rpcapi.RPC_API_VERSION,
                              capabilities)

    @_expected
    def service_list(self, context, host=None, binary=None):
        services = db_api.service_list(host=host, binary=binary)
        for svc in services:
            svc['up'] = self._is_up(svc)
        return services

    @staticmethod
    def _is_up(svc):
        seen = svc['last_seen_at']
        return servicegroup.is_up(timeutils.parse_isotime(seen).replace(tzinfo=None)
                                  if seen else None, CONF.service.service_down_time)

    @_expected
    def backend_list(self, context):
        stale = CONF.volume_scheduler.capacity_stale_time
        backends = []
        for svc in db_api.service_list(binary=VOLUME_BINARY):
            reported = svc['capabilities_at']
            fresh = reported is not None and servicegroup.is_up(
                timeutils.parse_isotime(reported).replace(tzinfo=None), stale)
            backends.append({'host': svc['host'], 'availability_zone': svc['availability_zone'],
                             'capabilities': svc['capabilities'] or {},
                             'up': self._is_up(svc) and not svc['disabled'],
                             'fresh': fresh})
        return backends

    def _zones(self):
        zones = {s['availability_zone'] for s in db_api.service_list(binary=VOLUME_BINARY)}
        return {z for z in zones if z} | {CONF.volume.availability_zone}

    # -- volume types ----------------------------------------------------------------
    @_expected
    def type_create(self, context, name, description, is_public, extra_specs):
        return db_api.type_create(name, description, is_public, extra_specs)

    @_expected
    def type_get(self, context, type_id):
        return db_api.type_get(type_id, _scope(context))

    @_expected
    def type_list(self, context, is_public=None):
        return db_api.type_list(_scope(context), is_public)

    @_expected
    def type_update(self, context, type_id, values):
        return db_api.type_update(type_id, values)

    @_expected
    def type_delete(self, context, type_id):
        vtype = db_api.type_get(type_id)
        if vtype['name'] == CONF.volume.default_volume_type:
            raise exception.InvalidVolumeType(
                reason='Default volume type %s can not be deleted.' % vtype['name'])
        db_api.type_delete(vtype['id'])

    @_expected
    def type_extra_specs_update(self, context, type_id, extra_specs):
        return db_api.type_extra_specs_update(type_id, extra_specs)

    @_expected
    def type_extra_spec_delete(self, context, type_id, key):
        db_api.type_extra_spec_delete(type_id, key)

    @_expected
    def type_access_list(self, context, type_id):
        vtype = db_api.type_get(type_id)
        if vtype['is_public']:
            raise exception.VolumeTypeAccessNotFound(type_id=type_id, project_id='*')
        return db_api.type_access_list(type_id)

    @_expected
    def type_access_add(self, context, type_id, project_id):
        if db_api.type_get(type_id)['is_public']:
            raise exception.InvalidVolumeType(
                reason='Invalid volume type: Type access modification is not applicable to '
                       'public volume type.')
        db_api.type_access_add(type_id, project_id)

    @_expected
    def type_access_remove(self, context, type_id, project_id):
        if db_api.type_get(type_id)['is_public']:
            raise exception.InvalidVolumeType(
                reason='Invalid volume type: Type access modification is not applicable to '
                       'public volume type.')
        db_api.type_access_remove(type_id, project_id)

    # -- quotas ------------------------------------------------------------------------
    @staticmethod
    def _defaults():
        return {name: getattr(CONF.quota, name) for name in QUOTA_RESOURCES}

    def _limits(self, project_id):
        limits = self._defaults()
        limits.update(db_api.quota_overrides(project_id))
        return limits

    @_expected
    def quota_get(self, context, project_id):
        return self._limits(project_id)

    @_expected
    def quota_defaults(self, context):
        return self._defaults()

    @_expected
    def quota_update(self, context, project_id, limits):
        unknown = sorted(set(limits) - set(QUOTA_RESOURCES))
        if unknown:
            raise exception.InvalidInput(reason='Bad key(s) in quota set: %s'
                                         % ', '.join(unknown))
        db_api.quota_set(project_id, limits)
        return self._limits(project_id)

    @_expected
    def quota_delete(self, context, project_id):
        db_api.quota_delete(project_id)

    @_expected
    def usage(self, context, project_id):
        return db_api.usage(project_id)

    # -- volumes ----------------------------------------------------------------------
    @_expected
    def volume_create(self, context, values, metadata, volume_type=None):
        return self._volume_create(context, values, metadata, volume_type)

    def _volume_create(self, context, values, metadata, volume_type=None):
        values = dict(values, project_id=context.project_id, user_id=context.user_id,
                      status='creating')
        spec = {'size': values['size'], 'source_host': None}
        scope = _scope(context)
        vtype = db_api.type_get(volume_type or CONF.volume.default_volume_type, scope)
        values['volume_type_id'] = vtype['id']
        if vtype['extra_specs'].get('multiattach', '').lower() == '<is> true':
            values['multiattach'] = True
        if values.get('snapshot_id'):
            snapshot = db_api.snapshot_get(values['snapshot_id'], scope)
            if snapshot['status'] != 'available':
                raise exception.InvalidSnapshot(
                    reason='Originating snapshot status must be one of available values')
            source = db_api.volume_get(snapshot['volume_id'])
            self._check_source_size(values, snapshot['size'], 'snapshot')
            spec['source_host'] = source['host']
            self._inherit_source(values, source, 'snapshot')
        elif values.get('source_volid'):
            source = db_api.volume_get(values['source_volid'], scope)
            if source['status'] not in ('available', 'in-use'):
                raise exception.InvalidVolume(
                    reason='Unable to create a volume from an originating source volume '
                           'when its status is not one of available, in-use.')
            self._check_source_size(values, source['size'], 'source volume')
            spec['source_host'] = source['host']
            self._inherit_source(values, source, 'source volume')
        zone = values.get('availability_zone') or CONF.volume.availability_zone
        if zone not in self._zones():
            raise exception.InvalidInput(reason="Availability zone '%s' is invalid." % zone)
        values['availability_zone'] = zone
        limits = self._limits(context.project_id)
        per_volume = limits['per_volume_gigabytes']
        if 0 <= per_volume < values['size']:
            raise exception.InvalidInput(
                reason='Volume size %dG is larger than the per volume limit %dG.'
                       % (values['size'], per_volume))
        volume = db_api.volume_create(values, metadata, limits)
        spec.update(availability_zone=zone, volume_type=vtype, image_id=values.get('image_id'),
                    snapshot_id=values.get('snapshot_id'),
                    source_volid=values.get('source_volid'))
        self.scheduler_api.create_volume(context, volume['id'], spec)
        return volume

    @staticmethod
    def _inherit_source(values, source, what):
        """A volume made from another (or its snapshot) lives in its zone
        and boots as it did: it keeps its bootable flag and the image it
        shows, as cinder copies them."""
        zone = values.get('availability_zone')
        if zone and zone != source['availability_zone']:
            raise exception.InvalidInput(
                reason='Volume must be in the same availability zone as the %s.' % what)
        values['availability_zone'] = source['availability_zone']
        values['bootable'] = source['bootable']
        if source.get('image_metadata'):
            values['image_metadata'] = dict(source['image_metadata'])

    @staticmethod
    def _check_source_size(values, source_size, what):
        if values.get('size') is None:
            values['size'] = source_size
        elif values['size'] < source_size:
            raise exception.InvalidInput(
                reason='Volume size %dGB cannot be smaller than the %s size %dGB.'
                       % (values['size'], what, source_size))

    @_expected
    def volume_get(self, context, volume_id):
        return db_api.volume_get(volume_id, _scope(context))

    @_expected
    def volume_list(self, context, filters=None, metadata=None, sorts=None, limit=None,
                    marker=None):
        filters = dict(filters or {})
        if not context.is_admin:
            filters['project_id'] = context.project_id
        return db_api.volume_list(filters, metadata, _sorts(sorts), limit, marker)

    @_expected
    def volume_update(self, context, volume_id, values, expected=None):
        return db_api.volume_update(volume_id, values, expected, _scope(context))

    @_expected
    def volume_delete(self, context, volume_id, force=False, cascade=False):
        volume = db_api.volume_begin_delete(volume_id, force, _scope(context), cascade)
        if volume['host']:
            self.volume_api.delete_volume(context, volume['host'], volume_id, cascade)
        else:   # never reached a backend: nothing to remove but the record
            db_api.volume_destroy(volume_id)

    @_expected
    def volume_retype(self, context, volume_id, new_type, migration_policy):
        scope = _scope(context)
        volume = db_api.volume_get(volume_id, scope)
        if volume['status'] not in ('available', 'in-use'):
            raise exception.InvalidVolume(
                reason='Volume %s status must be available or in-use to retype, but current '
                       'status is: %s.' % (volume_id, volume['status']))
        vtype = db_api.type_get(new_type, scope)
        if vtype['id'] == volume['volume_type_id']:
            raise exception.InvalidInput(reason='Retype requires a different volume type.')
        multiattach = vtype['extra_specs'].get('multiattach', '').lower() == '<is> true'
        attached = len(volume['attachments'])
        if attached > 1 and not multiattach:
            raise exception.InvalidVolume(
                reason='Volume %s has several attachments; type %s is not multiattach.'
                       % (volume_id, vtype['name']))
        backends = self.backend_list(context)
        spec = {'size': volume['size'], 'availability_zone': volume['availability_zone'],
                'volume_type': vtype}
        here = [b for b in backends if b['host'] == volume['host']]
        if here and filters.volume_type(here[0], spec):
            db_api.volume_update(volume_id, {'volume_type_id': vtype['id'],
                                             'multiattach': multiattach},
                                 {'status': ['available', 'in-use']})
            return
        # As cinder, what the checks above let through is accepted (202); a
        # retype that cannot be done fails afterwards: the volume keeps its
        # type and status, its project reads why (GET /messages).
        if migration_policy != 'on-demand':
            return self._retype_failed(context, volume, 'migration policy %s' % (
                migration_policy or 'never'), messages.NO_BACKEND)
        if volume['status'] != 'available':
            return self._retype_failed(context, volume, 'an in-use volume cannot move to '
                                       'another backend', messages.DRIVER_FAILED)
        chosen, failed = filters.choose(
            [b for b in backends if b['host'] != volume['host']], spec)
        if not chosen:
            return self._retype_failed(context, volume, 'no backend passed the %s filter'
                                       % failed, messages.NO_BACKEND)
        db_api.volume_update(volume_id, {'status': 'retyping', 'migration_status': 'migrating'},
                             {'status': ['available']})
        self.volume_api.migrate_volume(context, chosen[0]['host'], volume_id, vtype['id'],
                                       volume['host'])

    def _retype_failed(self, context, volume, why, detail):
        LOG.info('Retype of volume %s not done: %s', volume['id'], why)
        self.message_create(context, volume['project_id'], messages.RESOURCE_VOLUME,
                            volume['id'], messages.RETYPE, detail)

    @_expected
    def volume_upload_image(self, context, volume_id, image, force=False):
        allowed = ['available', 'in-use'] if force else ['available']
        volume = db_api.volume_get(volume_id, _scope(context))
        if not volume['host']:
            raise exception.InvalidVolume(reason='Volume %s has no backend.' % volume_id)
        if volume['status'] not in allowed:
            raise exception.InvalidVolume(
                reason='Volume %s status must be %s to upload it to an image, but current '
                       'status is: %s.' % (volume_id, ' or '.join(allowed), volume['status']))
        volume = db_api.volume_update(volume_id, {'status': 'uploading'},
                                      {'status': allowed}, _scope(context))
        self.volume_api.copy_volume_to_image(context, volume['host'], volume_id, image)
        return volume

    @_expected
    def volume_reimage(self, context, volume_id, image, reimage_reserved=False):
        """The API checked the policy, the image and the status; the status
        is checked again as it changes (a race is a 400 too)."""
        allowed = ['available', 'error'] + (['reserved'] if reimage_reserved else [])
        scope = _scope(context)
        volume = db_api.volume_get(volume_id, scope)
        if not volume['host']:
            raise exception.InvalidVolume(reason='Volume %s has no backend.' % volume_id)
        previous = volume['status']
        if previous not in allowed:
            raise exception.InvalidVolume(
                reason='Volume %s status must be %s to reimage it, but current status is: '
                       '%s.' % (volume_id, ' or '.join(allowed), previous))
        volume = db_api.volume_update(volume_id, {'status': 'downloading'},
                                      {'status': [previous]}, scope)
        self.volume_api.reimage(context, volume['host'], volume_id, image, previous)
        return volume

    @_expected
    def volume_extend(self, context, volume_id, new_size):
        scope = _scope(context)
        volume = db_api.volume_get(volume_id, scope)
        limits = self._limits(volume['project_id'])
        per_volume = limits['per_volume_gigabytes']
        if 0 <= per_volume < new_size:
            raise exception.InvalidInput(
                reason='Volume size %dG is larger than the per volume limit %dG.'
                       % (new_size, per_volume))
        volume = db_api.volume_extend(volume_id, new_size, limits, scope)
        self.volume_api.extend_volume(context, volume['host'], volume_id, new_size)

    @_expected
    def volume_destroy(self, context, volume_id):
        return db_api.volume_destroy(volume_id)

    @_expected
    def metadata_update(self, context, kind, resource_id, metadata, replace):
        return db_api.volume_metadata_update(kind, resource_id, metadata, replace,
                                             _scope(context))

    @_expected
    def metadata_delete(self, context, kind, resource_id, key):
        db_api.volume_metadata_delete(kind, resource_id, key, _scope(context))

    # -- snapshots ------------------------------------------------------------------
    @_expected
    def snapshot_create(self, context, values, metadata, force):
        values = dict(values, project_id=context.project_id, user_id=context.user_id)
        allowed = ('available', 'in-use') if force else ('available',)
        limits = self._limits(context.project_id)
        if not context.is_admin:
            db_api.volume_get(values['volume_id'], context.project_id)
        snapshot = db_api.snapshot_create(values, metadata, limits, allowed)
        host = snapshot.pop('volume_host')
        self.volume_api.create_snapshot(context, host, snapshot['id'])
        return snapshot

    @_expected
    def snapshot_get(self, context, snapshot_id):
        return db_api.snapshot_get(snapshot_id, _scope(context))

    @_expected
    def snapshot_list(self, context, filters=None, metadata=None, sorts=None, limit=None,
                      marker=None):
        filters = dict(filters or {})
        if not context.is_admin:
            filters['project_id'] = context.project_id
        return db_api.snapshot_list(filters, metadata, _sorts(sorts), limit, marker)

    @_expected
    def snapshot_update(self, context, snapshot_id, values, expected=None):
        return db_api.snapshot_update(snapshot_id, values, expected, _scope(context))

    @_expected
    def snapshot_delete(self, context, snapshot_id, force=False):
        expected = None if force else {'status': ['available', 'error']}
        snapshot = db_api.snapshot_update(snapshot_id, {'status': 'deleting'}, expected,
                                          _scope(context))
        volume = db_api.volume_get(snapshot['volume_id'])
        self.volume_api.delete_snapshot(context, volume['host'], snapshot_id)

    @_expected
    def snapshot_destroy(self, context, snapshot_id):
        return db_api.snapshot_destroy(snapshot_id)

    # -- attachments ----------------------------------------------------------------------
    @_expected
    def attachment_create(self, context, volume_id, instance_uuid, connector=None,
                          mode='rw'):
        # with a connector the record is ``connecting`` until the export is
        # recorded: the clean-up removes one a kill left so (see _cleanup_stuck)
        attachment, _ = db_api.attachment_create(volume_id, instance_uuid, mode,
                                                 _scope(context), connector=connector)
        if connector:
            try:
                return self._connect(context, attachment, connector)
            except Exception:
                # the caller gets an error, not the attachment: do not leave
                # the volume reserved by a record nobody knows of
                db_api.attachment_destroy(attachment['id'])
                raise
        return attachment

    @_expected
    def attachment_get(self, context, attachment_id):
        return db_api.attachment_get(attachment_id, _scope(context))

    @_expected
    def attachment_list(self, context, filters=None, sorts=None, limit=None, marker=None):
        filters = dict(filters or {})
        if not context.is_admin:
            filters['project_id'] = context.project_id
        return db_api.attachment_list(filters, _sorts(sorts), limit, marker)

    @_expected
    def attachment_update(self, context, attachment_id, connector):
        attachment = db_api.attachment_get(attachment_id, _scope(context))
        return self._connect(context, attachment, connector)

    def _connect(self, context, attachment, connector):
        volume = db_api.volume_get(attachment['volume_id'])
        if not volume['host']:
            raise exception.InvalidVolume(reason='Volume %s has no backend yet.'
                                          % volume['id'])
        # the backend keys its export by the attachment (iSCSI: a target each)
        connector = dict(connector, attachment_id=attachment['id'])
        info = self.volume_api.initialize_connection(context, volume['host'], volume['id'],
                                                     connector)
        attachment, _ = db_api.attachment_update(attachment['id'], {
            'connector': connector, 'connection_info': info, 'attach_status': 'attaching',
            'attached_host': connector.get('host'),
            'mountpoint': connector.get('mountpoint')})
        return attachment

    @_expected
    def attachment_complete(self, context, attachment_id):
        db_api.attachment_get(attachment_id, _scope(context))
        db_api.attachment_update(attachment_id, {'attach_status': 'attached',
                                                 'attached_at': db_api.now()})

    @_expected
    def attachment_delete(self, context, attachment_id):
        attachment = db_api.attachment_get(attachment_id, _scope(context))
        remaining = db_api.attachment_destroy(attachment_id)
        if attachment['connector']:
            volume = db_api.volume_get(attachment['volume_id'])
            if volume['host']:
                self.volume_api.terminate_connection(context, volume['host'], volume['id'],
                                                     attachment['connector'])
        return remaining

    @_expected
    def attachment_reset(self, context, attachment_id):
        db_api.attachment_update(attachment_id, {'attach_status': 'reserved',
                                                 'connection_info': None})

    # -- QoS specs ------------------------------------------------------------------------
    @_expected
    def qos_create(self, context, name, consumer, specs):
        return db_qos.create(name, consumer, specs)

    @_expected
    def qos_get(self, context, qos_id):
        return db_qos.get(qos_id)

    @_expected
    def qos_list(self, context, sorts=None, limit=None, marker=None):
        return db_qos.get_all(_sorts(sorts), limit, marker)

    @_expected
    def qos_set_keys(self, context, qos_id, specs):
        return db_qos.set_keys(qos_id, specs)

    @_expected
    def qos_delete_keys(self, context, qos_id, keys):
        db_qos.delete_keys(qos_id, keys)

    @_expected
    def qos_delete(self, context, qos_id, force=False):
        db_qos.delete(qos_id, force)

    @_expected
    def qos_associations(self, context, qos_id):
        return db_qos.associations(qos_id)

    @_expected
    def qos_associate(self, context, qos_id, type_id):
        db_qos.associate(qos_id, type_id)

    @_expected
    def qos_disassociate(self, context, qos_id, type_id=None):
        db_qos.disassociate(qos_id, type_id)

    # -- transfers ------------------------------------------------------------------------
    @_expected
    def transfer_create(self, context, volume_id, name, no_snapshots=False):
        return db_transfers.create(volume_id, name, no_snapshots, _scope(context))

    @_expected
    def transfer_get(self, context, transfer_id):
        return db_transfers.get(transfer_id, _scope(context))

    @_expected
    def transfer_list(self, context, project_id=None, sorts=None, limit=None, marker=None):
        if not context.is_admin:
            project_id = context.project_id
        return db_transfers.get_all(project_id, _sorts(sorts), limit, marker)

    @_expected
    def transfer_delete(self, context, transfer_id):
        db_transfers.delete(transfer_id, _scope(context))

    @_expected
    def transfer_accept(self, context, transfer_id, auth_key):
        # whoever holds the key may take the volume: no project scope here
        return db_transfers.accept(transfer_id, auth_key, context.project_id,
                                   context.user_id, self._limits(context.project_id))

    # -- user messages --------------------------------------------------------------------
    @_expected
    def message_create(self, context, project_id, resource_type, resource_uuid, action,
                       detail):
        return db_messages.create({
            'project_id': project_id, 'request_id': getattr(context, 'request_id', None),
            'resource_type': resource_type, 'resource_uuid': resource_uuid,
            'event_id': messages.event_id(resource_type, action, detail),
            'message_level': 'ERROR'}, CONF.volume_conductor.message_ttl)

    @_expected
    def message_get(self, context, message_id):
        return db_messages.get(message_id, _scope(context))

    @_expected
    def message_list(self, context, filters=None, sorts=None, limit=None, marker=None):
        filters = dict(filters or {})
        if not context.is_admin:
            filters['project_id'] = context.project_id
        return db_messages.get_all(filters, _sorts(sorts), limit, marker)

    @_expected
    def message_delete(self, context, message_id):
        db_messages.delete(message_id, _scope(context))

    # -- backups --------------------------------------------------------------------------
    @_expected
    def backup_create(self, context, values, force=False, incremental=False):
        hosts = [s['host'] for s in db_api.service_list(binary=BACKUP_BINARY)
                 if self._is_up(s) and not s['disabled']]
        if not hosts:
            raise common_exc.ServiceUnavailable(reason='no backup service is up')
        values = dict(values, user_id=context.user_id, host=random.choice(hosts),
                      container=values.get('container') or 'volumebackups')
        volume = db_api.volume_get(values['volume_id'], _scope(context))
        backup = db_backups.create(values, self._limits(volume['project_id']), force,
                                   _scope(context), incremental)
        self.backup_api.create_backup(context, backup['host'], backup['id'])
        return backup

    @_expected
    def backup_get(self, context, backup_id):
        return db_backups.get(backup_id, _scope(context))

    @_expected
    def backup_list(self, context, filters=None, sorts=None, limit=None, marker=None):
        filters = dict(filters or {})
        if not context.is_admin:
            filters['project_id'] = context.project_id
        return db_backups.get_all(filters, _sorts(sorts), limit, marker)

    @_expected
    def backup_update(self, context, backup_id, values, expected=None):
        return db_backups.update(backup_id, values, expected)

    @_expected
    def backup_delete(self, context, backup_id, force=False):
        backup = db_backups.begin_delete(backup_id, force, _scope(context))
        self.backup_api.delete_backup(context, backup['host'], backup_id)

    @_expected
    def backup_destroy(self, context, backup_id):
        db_backups.destroy(backup_id)

    def _wait_created(self, volume_id):
        """As cinder's API: the volume a restore creates is built before the
        restore is answered, so it goes ``restoring-backup`` straight from
        ``creating`` (a backup host waits for it when this gives up first)."""
        deadline = time.monotonic() + min(CONF.backup.restore_wait,
                                          getattr(CONF, 'rpc_response_timeout', 60) / 2)
        while True:
            volume = db_api.volume_get(volume_id)
            if volume['status'] != 'creating' or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if volume['status'] not in ('creating', 'available'):
            raise exception.InvalidVolume(
                reason='The volume %s created to restore into is %s.'
                       % (volume_id, volume['status']))
        return volume

    @_expected
    def backup_restore(self, context, backup_id, volume_id=None, name=None):
        backup = db_backups.get(backup_id, _scope(context))
        if backup['status'] != 'available':     # before a new volume is made for it
            raise exception.InvalidBackup(
                reason='Backup status must be available but is %s.' % backup['status'])
        if volume_id is None:
            volume = self._volume_create(context, {
                'size': backup['size'], 'name': name or 'restore_backup_%s' % backup_id,
                'description': 'auto-created to restore backup %s' % backup_id,
                'availability_zone': backup['availability_zone'], 'multiattach': False},
                {})
            volume = self._wait_created(volume['id'])
        else:
            volume = db_api.volume_get(volume_id, _scope(context))
        db_backups.begin_restore(backup_id, volume['id'], _scope(context))
        self.backup_api.restore_backup(context, backup['host'], backup_id, volume['id'])
        return {'backup_id': backup_id, 'volume_id': volume['id'],
                'volume_name': volume['name']}
