"""Unit tests open no network socket.

Every unit test runs with ``connect``, ``connect_ex`` and ``bind`` refused
for any address that is not a UNIX socket path (``socketpair`` and AF_UNIX
stay usable; oslo.messaging's ``fake://`` transport needs no socket).  The
refusal raises :class:`NetworkSocketInUnitTest`, and the test fails at
teardown even when the code under test swallowed that error.  A test that
needs a real server belongs in tests/functional.
"""

import socket
import traceback

import pytest

# urllib3 probes for IPv6 on import by binding a socket to ::1 (nothing is
# sent); let it probe now, before any test's guard is in place.
import urllib3.util.connection  # noqa: F401


class NetworkSocketInUnitTest(RuntimeError):
    pass


def _guard(attempts, name, real):
    def guarded(sock, address, *args):
        if sock.family != socket.AF_UNIX:
            where = ''.join(traceback.format_stack(limit=8)[:-1])
            message = ('unit tests must not open network sockets: %s(%r) on a %s socket; '
                       'use a fake, or move the test to tests/functional'
                       % (name, address, socket.AddressFamily(sock.family).name))
            attempts.append('%s\n%s' % (message, where))
            raise NetworkSocketInUnitTest(message)
        return real(sock, address, *args)
    guarded.__name__ = name
    return guarded


@pytest.fixture(autouse=True)
def _no_network_sockets(monkeypatch):
    attempts = []
    for name in ('connect', 'connect_ex', 'bind'):
        monkeypatch.setattr(socket.socket, name,
                            _guard(attempts, name, getattr(socket.socket, name)))
    yield
    if attempts:
        pytest.fail('%d network socket use(s) in a unit test; the first:\n%s'
                    % (len(attempts), attempts[0]), pytrace=False)
