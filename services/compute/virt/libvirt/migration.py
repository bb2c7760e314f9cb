"""Moving a stopped guest's files to another compute host (resize and cold
migration).

The destination names where the files go (:func:`target`); the source
copies them there: with a plain file copy when the destination is this very
machine (two compute hosts on one machine, as in tests), else with
``rsync`` over ``ssh`` to the destination's address (compute hosts need
key-based ssh to each other then, as nova's libvirt driver does).
"""

import os
import shutil
import subprocess

from services.compute import exception


def machine_id(path='/etc/machine-id'):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ''


def target(path, address):
    """What a source needs to send a guest's files here: the directory,
    this machine's id and the address to reach it by."""
    return {'path': path, 'machine_id': machine_id(), 'address': address}


def _run(argv):
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise exception.ComputeError('%s failed: %s' % (
            argv[0], (proc.stderr or proc.stdout).strip()[-400:]))


def copy_files(files, dest, run=_run):
    """Copy ``files`` (paths) into ``dest['path']`` on the destination; a
    directory already there is an error (it belongs to another guest)."""
    here = machine_id()
    if here and dest.get('machine_id') == here:
        os.makedirs(dest['path'])
        for path in files:
            shutil.copyfile(path, os.path.join(dest['path'], os.path.basename(path)))
        return
    remote = dest['address']
    run(['ssh', '-o', 'BatchMode=yes', remote, 'mkdir', dest['path']])
    run(['rsync', '--sparse', '--times', '--'] + list(files)
        + ['%s:%s/' % (remote, dest['path'])])


def remove(dest, run=_run):
    """Remove what :func:`copy_files` may have left at ``dest`` (a failed move)."""
    if dest.get('machine_id') == machine_id():
        shutil.rmtree(dest['path'], ignore_errors=True)
    else:
        run(['ssh', '-o', 'BatchMode=yes', dest['address'], 'rm', '-rf', '--', dest['path']])
