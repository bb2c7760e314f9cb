"""The disk files of a guest, made with ``qemu-img``."""

import json
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
