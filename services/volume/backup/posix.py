"""The posix backup driver: a backup is a directory
``<backup_posix_path>/<container>/<backup id>/`` holding its chunk objects
(``chunk-NNNNN``) and ``metadata.json`` (see ``chunked``), written under
``<backup id>.part`` and renamed when complete.  Volumes are read and written
through the path their backend exports (``local``)."""

import hashlib
import os
import shutil

from services.volume.backup import chunked


class PosixBackupDriver(chunked.ChunkedBackupDriver):
    def _root(self):
        return os.path.abspath(self.conf.backup.backup_posix_path)

    def prefix(self, backup):
        return backup['id']

    def directory(self, backup):
        return os.path.join(self._root(), self.container(backup), backup['id'])

    def _part(self, backup):
        return self.directory(backup) + '.part'

    def put(self, backup, name, data):
        path = os.path.join(self._part(backup), os.path.basename(name))
        os.makedirs(os.path.dirname(path), mode=0o750, exist_ok=True)
        with open(path, 'wb') as out:
            out.write(data)
        return hashlib.md5(data).hexdigest()

    def get(self, container, name):
        with open(os.path.join(self._root(), container, name), 'rb') as f:
            return f.read()

    def backup(self, backup, volume_path, parent=None):
        shutil.rmtree(self._part(backup), ignore_errors=True)
        return super().backup(backup, volume_path, parent)

    def commit(self, backup):
        os.rename(self._part(backup), self.directory(backup))

    def abort(self, backup):
        shutil.rmtree(self._part(backup), ignore_errors=True)

    def remove(self, backup):
        shutil.rmtree(self._part(backup), ignore_errors=True)
        shutil.rmtree(self.directory(backup), ignore_errors=True)
