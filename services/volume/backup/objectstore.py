"""The object-store backup driver (cinder's swift driver's role): a backup
is a set of objects in a container of the volume service's account
(``volumebackups`` unless the backup names another), named
``volume_<volume id>/backup_<backup id>/chunk-NNNNN`` and
``.../metadata.json`` (see ``chunked``; the metadata is written last).
Each object is sent with its MD5 as ``ETag`` and the answered ETag checked;
a restore checks each chunk's MD5 and SHA-256."""

import hashlib

from services.volume.backup import chunked


class ObjectStoreBackupDriver(chunked.ChunkedBackupDriver):
    def __init__(self, conf, client=None):
        super().__init__(conf)
        self._client = client
        self._containers = set()

    @property
    def client(self):
        if self._client is None:
            from services.volume.clients import objectstore
            self._client = objectstore.ObjectStoreClient()
        return self._client

    def prefix(self, backup):
        return 'volume_%s/backup_%s' % (backup.get('volume_id'), backup['id'])

    def put(self, backup, name, data):
        container = self.container(backup)
        if container not in self._containers:
            self.client.ensure_container(container)
            self._containers.add(container)
        md5 = hashlib.md5(data).hexdigest()
        self.client.put_object(container, name, data, md5)
        return md5

    def get(self, container, name):
        return self.client.get_object(container, name)

    def remove(self, backup):
        container = self.container(backup)
        names = self.client.list_objects(container, self.prefix(backup) + '/')
        # the metadata first: a backup without it is no backup any more
        for name in sorted(names, key=lambda n: not n.endswith('/' + chunked.METADATA)):
            self.client.delete_object(container, name)
