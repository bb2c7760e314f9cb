"""Directories on a storage device that may be unmounted at any moment.

A device is a directory under ``[storage] devices``; the servers answer 507
while it is missing.  A request that checked the device and then creates its
directories must not bring the device's own directory back (an empty one, on
the root filesystem) when the device went away meanwhile: every later
request would find it "mounted" and write there.
"""

import os


class DeviceGone(OSError):
    """The device's directory is not there (unmounted): answered 507."""


def makedirs(device_path, path):
    """``os.makedirs(path)`` for ``path`` on the device at ``device_path``,
    never creating ``device_path`` itself."""
    if os.path.isdir(path):
        return
    parts = os.path.relpath(path, device_path).split(os.sep)
    for _attempt in range(3):
        current = device_path
        try:
            for part in parts:
                current = os.path.join(current, part)
                try:
                    os.mkdir(current)
                except FileExistsError:
                    pass
            return
        except FileNotFoundError:
            if not os.path.isdir(device_path):
                raise DeviceGone(device_path) from None
            # a parent tidied away meanwhile (a replicator removing an empty
            # directory): start again from the device
    raise DeviceGone(device_path)
