"""What the backup drivers share: a volume is cut into chunks of
``[backup] backup_chunk_size`` MiB, each stored zlib-compressed as one object
(chunks of zeros are not stored), and a metadata object describes the
backup: the volume's size, the chunk size and, for every chunk that holds
data, its SHA-256, the MD5 of the stored object and where that object lives
(container and name).

An incremental backup compares each chunk with its parent's entry and keeps
the parent's object for the chunks that did not change, so its metadata
alone describes the whole volume: a restore reads one metadata object and
the chunks it names, whichever backup of the chain stored them.

A storage driver supplies ``prefix`` (the object names of a backup start
with it), ``put``, ``get``, ``commit``, ``abort`` and ``remove``.
"""

import hashlib
import json
import os
import stat
import zlib

MiB = 1 << 20
METADATA = 'metadata.json'
VERSION = 2


def _size(fileobj):
    return os.lseek(fileobj.fileno(), 0, os.SEEK_END)


class ChunkedBackupDriver:
    def __init__(self, conf):
        self.conf = conf

    # -- storage, per driver ---------------------------------------------------------
    def prefix(self, backup):
        raise NotImplementedError

    def put(self, backup, name, data):
        """Store ``data`` as object ``name`` of the backup's container;
        answers the MD5 of what was stored."""
        raise NotImplementedError

    def get(self, container, name):
        raise NotImplementedError

    def commit(self, backup):
        """The backup's objects are all written."""

    def abort(self, backup):
        """Remove what an unfinished backup wrote."""
        self.remove(backup)

    def remove(self, backup):
        raise NotImplementedError

    # -- the shared part -----------------------------------------------------------------
    def container(self, backup):
        return backup.get('container') or 'volumebackups'

    def metadata(self, backup):
        """The backup's metadata, every chunk entry as a dict with its location
        (a first-version posix backup kept only the digest of its own chunks)."""
        metadata = json.loads(self.get(self.container(backup),
                                       '%s/%s' % (self.prefix(backup), METADATA)))
        chunks = {}
        for index, entry in metadata['chunks'].items():
            if isinstance(entry, str):
                entry = {'sha256': entry, 'container': self.container(backup),
                         'object': '%s/chunk-%s' % (self.prefix(backup), index)}
            chunks[index] = entry
        metadata['chunks'] = chunks
        return metadata

    def backup(self, backup, volume_path, parent=None):
        """Copy the volume at ``volume_path`` (only the chunks that changed
        since ``parent``, when given); answers the number of objects stored."""
        chunk_size = self.conf.backup.backup_chunk_size * MiB
        before = {}
        if parent is not None:
            parent_metadata = self.metadata(parent)
            if parent_metadata['chunk_size'] == chunk_size:
                before = parent_metadata['chunks']
        chunks, stored = {}, 0
        try:
            with open(volume_path, 'rb') as volume:
                size = _size(volume)
                volume.seek(0)
                index = 0
                while index * chunk_size < size:
                    data = volume.read(chunk_size)
                    key = '%05d' % index
                    index += 1
                    if data.count(0) == len(data):
                        continue
                    digest = hashlib.sha256(data).hexdigest()
                    if key in before and before[key]['sha256'] == digest:
                        chunks[key] = before[key]
                        continue
                    name = '%s/chunk-%s' % (self.prefix(backup), key)
                    md5 = self.put(backup, name, zlib.compress(data, 1))
                    chunks[key] = {'sha256': digest, 'md5': md5,
                                   'container': self.container(backup), 'object': name}
                    stored += 1
            document = {'version': VERSION, 'backup_id': backup['id'],
                        'volume_id': backup.get('volume_id'),
                        'parent_id': parent['id'] if parent else None,
                        'size': size, 'chunk_size': chunk_size, 'chunks': chunks}
            self.put(backup, '%s/%s' % (self.prefix(backup), METADATA),
                     json.dumps(document, sort_keys=True).encode())
            self.commit(backup)
        except Exception:
            self.abort(backup)
            raise
        return stored + 1

    def restore(self, backup, volume_path):
        """Write the backup over the volume at ``volume_path``; what the backup
        does not hold reads as zeros afterwards.  Each chunk is checked against
        the MD5 of its object and the SHA-256 of its data."""
        metadata = self.metadata(backup)
        chunk_size = metadata['chunk_size']
        with open(volume_path, 'r+b') as volume:
            size = _size(volume)
            if stat.S_ISREG(os.fstat(volume.fileno()).st_mode):
                volume.truncate(0)      # a file: every block a hole again
                volume.truncate(size)
            else:                       # a device: zeros where the backup has no data
                zeros = bytes(chunk_size)
                for offset in range(0, min(size, metadata['size']), chunk_size):
                    if '%05d' % (offset // chunk_size) not in metadata['chunks']:
                        volume.seek(offset)
                        volume.write(zeros[:min(chunk_size, size - offset)])
            for key, entry in sorted(metadata['chunks'].items()):
                stored = self.get(entry['container'], entry['object'])
                if entry.get('md5') and hashlib.md5(stored).hexdigest() != entry['md5']:
                    raise ValueError('chunk %s of backup %s is corrupt (MD5)'
                                     % (key, backup['id']))
                data = zlib.decompress(stored)
                if hashlib.sha256(data).hexdigest() != entry['sha256']:
                    raise ValueError('chunk %s of backup %s is corrupt (SHA-256)'
                                     % (key, backup['id']))
                volume.seek(int(key) * chunk_size)
                volume.write(data)

    def delete(self, backup):
        """Remove the objects this backup stored (its incremental children are
        deleted first: the API refuses a backup that has some)."""
        self.remove(backup)
