"""Image data stores behind one driver interface (:class:`base.Store`)."""

import os

from services.image.store import fake
from services.image.store import filesystem

_FAKES = {}


def _state_dir(conf, option, leaf):
    return option or os.path.join(conf.state_path, 'image', leaf)


def get_store(conf):
    """The configured data store."""
    if conf.store.driver == 'fake':
        return _FAKES.setdefault('images', fake.FakeStore())
    if conf.store.driver == 'objectstore':
        # keystoneauth (and requests) load only with this driver
        from services.image.store import objectstore
        from services.image.store import routing
        # images stored before the switch stay readable where they are
        return routing.SchemeRouter(objectstore.ObjectStore(conf), filesystem.FilesystemStore(
            _state_dir(conf, conf.store.filesystem_datadir, 'images')))
    return filesystem.FilesystemStore(_state_dir(conf, conf.store.filesystem_datadir, 'images'))


def get_staging_store(conf):
    """Where interoperable import stages data before it is imported: a local
    directory also with the objectstore driver, as glance's staging area."""
    if conf.store.driver == 'fake':
        return _FAKES.setdefault('staging', fake.FakeStore())
    return filesystem.FilesystemStore(_state_dir(conf, conf.image.staging_dir, 'staging'))


def reset_fakes():
    _FAKES.clear()
