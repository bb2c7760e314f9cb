"""X-Timestamp values: seconds since the epoch with five decimals.

The fixed width ("0001700000000.12345") sorts as text in time order, which
is how file names and database rows compare them.
"""

import time


def normalize(value):
    """The canonical text of a timestamp given as text or a number; raises
    ValueError for anything else."""
    number = float(value)
    if not 0 <= number < 10 ** 13 or number != number:
        raise ValueError('timestamp out of range: %r' % (value,))
    return '%016.05f' % number


def now():
    return normalize(time.time())


def http_date(value):
    """RFC 7231 date of a timestamp (Last-Modified)."""
    seconds = int(float(value))
    return time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(seconds))
