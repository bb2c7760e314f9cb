"""The config drive: the metadata documents in an ISO 9660 image labelled
``config-2`` (Rock Ridge and Joliet names), made with genisoimage/mkisofs."""

import os
import shutil
import subprocess
import tempfile

from oslo_config import cfg

from services.compute import exception

CONF = cfg.CONF
LABEL = 'config-2'


def required(instance):
    """Whether the server gets a config drive: it asked for one, or
    ``[DEFAULT] force_config_drive`` is set."""
    return CONF.force_config_drive or str(
        getattr(instance, 'config_drive', '') or '').lower() in ('true', '1', 'yes')


def _mkisofs():
    for command in (CONF.mkisofs_cmd, 'genisoimage', 'mkisofs', 'xorrisofs'):
        if command and shutil.which(command):
            return command
    raise exception.ComputeError('No genisoimage or mkisofs to build the config drive '
                                 '(apt-get install genisoimage)')


def write_tree(files, root):
    """``files`` ({relative path: bytes}) below ``root``."""
    for relative, body in files.items():
        path = os.path.join(root, relative)
        if os.path.commonpath([root, os.path.abspath(path)]) != root:
            raise exception.ComputeError('Config drive path %s escapes the drive' % relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(body)


def make_iso(files, target):
    """Write the ISO 9660 image of ``files`` to ``target``."""
    work = tempfile.mkdtemp(prefix='alto-configdrive-')
    try:
        root = os.path.join(work, 'drive')
        os.mkdir(root)
        write_tree(files, root)
        proc = subprocess.run(
            [_mkisofs(), '-o', target, '-ldots', '-allow-lowercase', '-allow-multidot',
             '-l', '-publisher', 'Altostratus', '-quiet', '-J', '-r', '-V', LABEL, root],
            capture_output=True, text=True, check=False)
        if proc.returncode:
            raise exception.ComputeError('Building the config drive failed: %s'
                                         % (proc.stderr or proc.stdout).strip()[-400:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
