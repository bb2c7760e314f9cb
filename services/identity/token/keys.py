"""Fernet key repositories on disk (token keys and credential keys).

Layout as in keystone: one file per key named by an integer; ``0`` is the
staged key (the next primary, already accepted for validation so rotation
across several nodes is safe), the highest number is the primary key used
to encrypt, and the others are secondaries still accepted for decryption.

The token keys (``[fernet_tokens] key_repository``) and the credential
keys (``[credential] key_repository``) are two repositories of this kind;
``setup_hint`` names the command that creates each one in error messages.
"""

import os
import stat
import time

from cryptography import fernet

from common import exception

TOKEN_SETUP_HINT = 'run alto-manage identity fernet-setup'


class KeyRepositoryError(exception.AltoError):
    msg_fmt = 'Fernet key repository %(path)s is unusable: %(reason)s'
    safe = False


def _key_indexes(path):
    indexes = []
    for name in os.listdir(path):
        if name.isdigit() and os.path.isfile(os.path.join(path, name)):
            indexes.append(int(name))
    return sorted(indexes)


def _write_key(path, index):
    key = fernet.Fernet.generate_key()
    tmp = os.path.join(path, '.%d.tmp' % index)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, 'wb') as f:
        f.write(key)
    # rename is atomic: a validating process never reads half a key
    os.rename(tmp, os.path.join(path, str(index)))


def setup(path, max_active_keys):
    """Create the repository with a staged and a primary key; idempotent."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    if not _key_indexes(path):
        _write_key(path, 0)
        rotate(path, max_active_keys)
    return _key_indexes(path)


def _dropped_by_rotation(indexes, max_active_keys):
    """Indexes the next rotation removes: after it, the staged key, the new
    primary and the newest secondaries (the old primary among them) remain."""
    secondaries = sorted(i for i in indexes if i != 0)
    excess = len(secondaries) + 2 - max(max_active_keys, 2)
    return secondaries[:max(excess, 0)]


def rotate(path, max_active_keys, setup_hint=TOKEN_SETUP_HINT):
    """Promote the staged key to primary, stage a new key, drop the oldest."""
    indexes = _key_indexes(path)
    if 0 not in indexes:
        raise KeyRepositoryError(path=path, reason='no staged key 0; %s' % setup_hint)
    dropped = _dropped_by_rotation(indexes, max_active_keys)
    primary = max(indexes) + 1
    os.rename(os.path.join(path, '0'), os.path.join(path, str(primary)))
    _write_key(path, 0)
    for index in dropped:
        os.remove(os.path.join(path, str(index)))
    return _key_indexes(path)


def _read(path, index):
    with open(os.path.join(path, str(index)), 'rb') as f:
        return f.read().strip()


def dropped_by_rotation(path, max_active_keys):
    """The keys (bytes) the next :func:`rotate` would delete."""
    return [_read(path, i) for i in _dropped_by_rotation(_key_indexes(path),
                                                        max_active_keys)]


def load(path, setup_hint=TOKEN_SETUP_HINT):
    """Keys as bytes, primary first, then secondaries newest first, staged last."""
    try:
        indexes = _key_indexes(path)
    except OSError as exc:
        raise KeyRepositoryError(path=path, reason='%s; %s' % (exc.strerror, setup_hint))
    if not indexes or max(indexes) == 0:
        raise KeyRepositoryError(path=path, reason='no primary key; %s' % setup_hint)
    ordered = sorted((i for i in indexes if i != 0), reverse=True) + (
        [0] if 0 in indexes else [])
    return [_read(path, index) for index in ordered]


class KeyRing:
    """The keys of a repository, reloaded when the directory changes.

    The directory's mtime is looked at most every ``check_interval``
    seconds so validation does not pay a ``stat`` per request.
    """

    def __init__(self, path, check_interval=1.0, setup_hint=TOKEN_SETUP_HINT):
        self.path = path
        self.check_interval = check_interval
        self.setup_hint = setup_hint
        self._checked_at = 0.0
        self._mtime = None
        self._keys = None
        self._fernet = None

    def _refresh(self):
        now = time.monotonic()
        if self._keys is None or now - self._checked_at >= self.check_interval:
            self._checked_at = now
            try:
                mtime = os.stat(self.path).st_mtime_ns
            except OSError as exc:
                raise KeyRepositoryError(path=self.path,
                                         reason='%s; %s' % (exc.strerror, self.setup_hint))
            if mtime != self._mtime or self._keys is None:
                loaded = load(self.path, self.setup_hint)
                try:
                    self._fernet = fernet.MultiFernet([fernet.Fernet(k) for k in loaded])
                except ValueError:
                    raise KeyRepositoryError(path=self.path,
                                             reason='a key file is not a fernet key')
                self._keys = loaded
                self._mtime = mtime

    def get(self):
        """The MultiFernet: encrypts with the primary, decrypts with any key."""
        self._refresh()
        return self._fernet

    def keys(self):
        """The keys as bytes, primary first (a new list after every reload)."""
        self._refresh()
        return self._keys
