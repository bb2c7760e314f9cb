"""The volume service in one process for unit tests: a SQLite file database,
the ``fake://`` RPC transport, the conductor, scheduler and one volume host
(fake driver) served as RPC servers, and the API through WebTest with
``noauth`` (identity headers set by the test)."""


import oslo_messaging as messaging
from oslo_config import cfg

from common import config
from common import db as common_db
from common import rpc
from services.volume import conf as volume_conf
from services.volume import db as volume_db
from services.volume.api import policies
from services.volume.api.controllers import common as api_common
from services.volume.drivers import fake as fake_driver

CONF = cfg.CONF
HOST = 'stor1'


class FakeImages:
    """Image records by id, what the API and the volume host read and write
    (``data``: what uploads wrote, by image id)."""

    def __init__(self):
        self.images = {}
        self.data = {}

    def get(self, context, image_id):
        from services.volume import exception
        if image_id not in self.images:
            raise exception.ImageNotFound(image_id=image_id)
        return self.images[image_id]

    def download(self, context, image_id, path):
        with open(path, 'wb') as f:
            f.write(b'image')

    def create(self, context, body):
        import uuid
        record = dict(body, id=str(uuid.uuid4()), status='queued',
                      owner=context.project_id)
        self.images[record['id']] = record
        return record

    def upload(self, context, image_id, path):
        with open(path, 'rb') as f:
            self.data[image_id] = f.read()
        self.images[image_id]['status'] = 'active'

    def delete(self, context, image_id):
        self.images.pop(image_id, None)
        self.data.pop(image_id, None)


class VolumeEnv:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.servers = []

    def start(self):
        from services.volume.backup import fake as fake_backup
        from services.volume.backup import manager as backup_manager
        from services.volume.backup import rpcapi as backup_rpcapi
        from services.volume.conductor import manager as conductor_manager
        from services.volume.conductor import rpcapi as conductor_rpcapi
        from services.volume.scheduler import manager as scheduler_manager
        from services.volume.scheduler import rpcapi as scheduler_rpcapi
        from services.volume.volume import manager as volume_manager
        from services.volume.volume import rpcapi as volume_rpcapi
        config.register_common_opts(CONF)
        volume_conf.register_opts(CONF)
        volume_db.register_opts(CONF)
        CONF([], project='altostratus', default_config_files=[])
        messaging.get_rpc_transport(CONF, url='fake:/').cleanup()
        connection = 'sqlite:///%s/volume.sqlite' % self.tmp_path
        CONF.set_override('connection', connection, group='database')
        CONF.set_override('transport_url', 'fake:/')
        CONF.set_override('auth_strategy', 'noauth', group='api')
        CONF.set_override('state_path', str(self.tmp_path))
        CONF.set_override('host', HOST)
        CONF.set_override('volume_driver', 'fake', group='volume')
        CONF.set_override('volumes_dir', str(self.tmp_path), group='volume')
        CONF.set_override('service_down_time', 1800, group='service')  # as compute's
        common_db.allow()
        common_db.reset('volume')
        common_db.sync('volume', connection)
        common_db.configure('volume', CONF)
        rpc.cleanup()
        rpc.init(CONF, exmods=['services.volume.exception'])
        policies.reset()
        api_common.set_conductor(None)
        self.images = FakeImages()
        self.driver = fake_driver.FakeDriver(CONF)
        self.conductor = conductor_manager.ConductorManager()
        self.scheduler = scheduler_manager.SchedulerManager()
        self.volume = volume_manager.VolumeManager(driver=self.driver,
                                                   image_client=self.images)
        self.serve(conductor_rpcapi.TOPIC, HOST, self.conductor)
        self.serve(scheduler_rpcapi.TOPIC, HOST, self.scheduler)
        self.serve(volume_rpcapi.TOPIC, self.volume.host, self.volume)
        self.backup_driver = fake_backup.FakeBackupDriver()
        self.backup = backup_manager.BackupManager(driver=self.backup_driver)
        self.serve(backup_rpcapi.TOPIC, HOST, self.backup)
        self.backup.report_state()
        self.volume.init_host()
        self.volume.report_state()
        self.scheduler.report_state()
        return self

    def reset(self):
        """Empty every table but the default type; forget the driver's state."""
        import sqlalchemy as sa

        from services.volume.db import api as db_api
        from services.volume.db import models
        with db_api.writer() as session:
            for model in (models.Backup, models.Transfer, models.Message, models.QosSpecs,
                          models.Attachment, models.SnapshotMetadata, models.Snapshot,
                          models.VolumeMetadata, models.Volume, models.Quota,
                          models.VolumeTypeExtraSpec, models.VolumeTypeProject):
                session.execute(sa.delete(model))
            session.execute(sa.delete(models.VolumeType).where(
                models.VolumeType.name != '__DEFAULT__'))
        self.driver.volumes.clear()
        self.driver.snapshots.clear()
        self.driver.fail.clear()
        self.backup_driver.backups.clear()
        self.backup_driver.restored.clear()
        self.backup_driver.fail.clear()
        self.images.images.clear()
        self.images.data.clear()

    def serve(self, topic, host, endpoint):
        server = rpc.get_server(messaging.Target(topic=topic, server=host), [endpoint])
        server.start()
        self.servers.append(server)

    def stop(self):
        # The conductor last: work still running on a host ends by calling it
        # (a call to a stopped conductor would wait out the RPC timeout).
        for server in reversed(self.servers):
            server.stop()
            server.wait()
        rpc.cleanup()
        api_common.set_conductor(None)
        common_db.reset('volume')
        policies.reset()
        CONF.reset()
        CONF.clear_override('connection', group='database')
