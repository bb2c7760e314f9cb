"""Marks client errors as expected for the RPC server.

A client error (an ``AltoError``) travels back to the API as a fault; the
RPC server need not log a traceback for each one. ``functools.wraps`` keeps
the method signature visible to the contract tests.
"""

import functools

import oslo_messaging as messaging

from common import exception as common_exc


def client_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except common_exc.AltoError:
            raise messaging.ExpectedException()
    return wrapper
