"""A backup driver that keeps the volume paths it was given, for tests of the
backup host's flows (``fail`` names operations that raise)."""


class FakeBackupDriver:
    def __init__(self, conf=None):
        self.backups = {}
        self.parents = {}
        self.restored = []
        self.fail = set()

    def _check(self, operation):
        if operation in self.fail:
            raise OSError('%s failed (fake)' % operation)

    def backup(self, backup, volume_path, parent=None):
        self._check('backup')
        self.backups[backup['id']] = volume_path
        self.parents[backup['id']] = parent['id'] if parent else None
        return 1

    def restore(self, backup, volume_path):
        self._check('restore')
        self.restored.append((backup['id'], volume_path))

    def delete(self, backup):
        self._check('delete')
        self.backups.pop(backup['id'], None)
