"""The disk files of a guest, made with ``qemu-img``."""

import json
import os.path as os_path
import subprocess

from services.compute import exception

GiB = 1024 ** 3
MiB = 1024 ** 2


def _qemu_img(*args):
    proc = subprocess.run(('qemu-img',) + args, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise exception.ComputeError('qemu-img %s failed: %s' % (
            args[0], (proc.stderr or proc.stdout).strip()[-400:]))
    return proc.stdout


def info(path):
    """``qemu-img info`` of one file: format, virtual size, backing file."""
    data = json.loads(_qemu_img('info', '--output=json', '-U', path))
    return {'format': data['format'], 'virtual_size': int(data['virtual-size']),
            'backing': data.get('full-backing-filename') or data.get('backing-filename')}


def create_overlay(base, path, size_gb):
    """A qcow2 file over ``base`` of ``size_gb`` GiB (0: the base's size).
    An image bigger than the flavor's disk is refused."""
    base_info = info(base)
    if base_info['format'] not in ('qcow2', 'raw'):
        raise exception.ComputeError('Image format %s cannot back a guest disk'
                                     % base_info['format'])
    size = size_gb * GiB
    if size and base_info['virtual_size'] > size:
        raise exception.ComputeError(
            'Image of %d bytes is larger than the flavor\'s %d GiB disk' % (
                base_info['virtual_size'], size_gb))
    args = ['create', '-q', '-f', 'qcow2', '-b', base, '-F', base_info['format'], path]
    if size:
        args.append(str(size))
    _qemu_img(*args)


def create_blank(path, size_bytes):
    _qemu_img('create', '-q', '-f', 'qcow2', path, str(size_bytes))


def convert(source, target, force_share=False):
    """A standalone qcow2 copy of ``source`` (its backing chain flattened)."""
    args = ['convert', '-O', 'qcow2']
    if force_share:
        args.append('-U')
    _qemu_img(*(args + [source, target]))


def rebase(path, backing):
    """Point the overlay ``path`` at ``backing`` (the same image, cached at
    another path: ``-u`` trusts that the content is the same)."""
    _qemu_img('rebase', '-u', '-b', backing, '-F', info(backing)['format'], path)


def grow(path, size_bytes):
    """Grow ``path``'s virtual disk to ``size_bytes``; never shrinks it."""
    if info(path)['virtual_size'] < size_bytes:
        _qemu_img('resize', '-q', path, str(size_bytes))


def create_snapshot_overlay(backing, path):
    """A qcow2 ``path`` over ``backing`` (a file beside it, which a running
    guest may hold open): the backing is named relative to the overlay and
    not opened (``-u``), its size read with ``-U``."""
    base_info = info(backing)
    _qemu_img('create', '-q', '-f', 'qcow2', '-u', '-b', os_path.basename(backing),
              '-F', base_info['format'], path, str(base_info['virtual_size']))


def backing_chain(path, limit=64):
    """``[path, its backing file, that file's backing, ...]`` as absolute paths."""
    chain = [os_path.abspath(path)]
    while len(chain) < limit:
        backing = info(chain[-1])['backing']
        if not backing:
            return chain
        chain.append(os_path.abspath(os_path.join(os_path.dirname(chain[-1]), backing)))
    raise exception.ComputeError('The backing chain of %s is longer than %d files'
                                 % (path, limit))


def commit(top, base):
    """Write ``top`` (and the files between) into ``base``, its backing
    chain's file (a guest not running)."""
    _qemu_img('commit', '-q', '-b', base, top)


def rebase_onto(path, base):
    """Make ``base`` (None: no backing at all) the backing file of ``path``,
    copying into ``path`` what the files it leaves out held (a guest not
    running).  ``base`` is named relative to ``path``."""
    if base is None:
        _qemu_img('rebase', '-q', '-b', '', path)
    else:
        _qemu_img('rebase', '-q', '-b', os_path.relpath(base, os_path.dirname(path)),
                  '-F', info(base)['format'], path)


def copy_into(source, target, fmt):
    """Write the whole content of ``source`` (its backing chain read
    through) into the existing ``fmt`` file ``target``, kept in place
    (``-n``); neither file in use by a running guest."""
    _qemu_img('convert', '-q', '-n', '-O', fmt, source, target)


def set_backing(path, base):
    """Point ``path`` at ``base`` without copying (``-u``): the content of
    the files between was merged into ``base`` already."""
    _qemu_img('rebase', '-q', '-u', '-b', os_path.relpath(base, os_path.dirname(path)),
              '-F', info(base)['format'], path)
