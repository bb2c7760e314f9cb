"""What the end-to-end tests with libvirt guests share: waiting, and removing
the domains a test run left behind."""

import time


def wait_for(predicate, timeout, what):
    """``predicate()``'s first true value, polled every half second."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, 'timed out waiting for %s' % what
        time.sleep(0.5)


def remove_domains(uri, prefix):
    """Destroy and undefine every domain whose name starts with ``prefix``."""
    import libvirt
    conn = libvirt.open(uri)
    try:
        for dom in conn.listAllDomains(0):
            if dom.name().startswith(prefix):
                if dom.isActive():
                    dom.destroy()
                dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    finally:
        conn.close()
