"""The posix backup driver: a backup is a directory
``<backup_posix_path>/<container>/<backup id>/`` holding zlib-compressed
chunks of the volume (``chunk-NNNNN``; chunks of zeros are not written) and
``metadata.json`` (size, chunk size, each chunk's SHA-256).  Volumes are
read and written through the path their backend exports (``local``)."""

import hashlib
import json
import os
import shutil
import zlib

MiB = 1 << 20


class PosixBackupDriver:
    def __init__(self, conf):
        self.conf = conf

    def directory(self, backup):
        return os.path.join(os.path.abspath(self.conf.backup.backup_posix_path),
                            backup['container'] or 'volumebackups', backup['id'])

    def backup(self, backup, volume_path):
        """Copy the volume at ``volume_path``; returns the object count."""
        target = self.directory(backup)
        part = target + '.part'
        shutil.rmtree(part, ignore_errors=True)
        os.makedirs(part, mode=0o750)
        chunk_size = self.conf.backup.backup_chunk_size * MiB
        chunks = {}
        try:
            with open(volume_path, 'rb') as volume:
                size = os.fstat(volume.fileno()).st_size
                index = 0
                while index * chunk_size < size:
                    data = volume.read(chunk_size)
                    if data.count(0) != len(data):
                        with open(os.path.join(part, 'chunk-%05d' % index), 'wb') as out:
                            out.write(zlib.compress(data, 1))
                        chunks['%05d' % index] = hashlib.sha256(data).hexdigest()
                    index += 1
            with open(os.path.join(part, 'metadata.json'), 'w') as meta:
                json.dump({'size': size, 'chunk_size': chunk_size, 'chunks': chunks}, meta)
            os.rename(part, target)
        except Exception:
            shutil.rmtree(part, ignore_errors=True)
            raise
        return len(chunks) + 1

    def restore(self, backup, volume_path):
        """Write the backup over the volume at ``volume_path`` (what the
        backup does not hold reads as zeros afterwards)."""
        source = self.directory(backup)
        with open(os.path.join(source, 'metadata.json')) as meta:
            metadata = json.load(meta)
        chunk_size = metadata['chunk_size']
        with open(volume_path, 'r+b') as volume:
            size = os.fstat(volume.fileno()).st_size
            volume.truncate(0)          # a file: every block a hole again
            volume.truncate(size)
            for name, digest in sorted(metadata['chunks'].items()):
                with open(os.path.join(source, 'chunk-%s' % name), 'rb') as chunk:
                    data = zlib.decompress(chunk.read())
                if hashlib.sha256(data).hexdigest() != digest:
                    raise ValueError('chunk %s of backup %s is corrupt' % (name, backup['id']))
                volume.seek(int(name) * chunk_size)
                volume.write(data)

    def delete(self, backup):
        shutil.rmtree(self.directory(backup), ignore_errors=True)
