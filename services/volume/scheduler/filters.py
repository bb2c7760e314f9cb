"""Which backends can take a volume, and which of them is best.

A backend is what the conductor's ``backend_list`` answers: host
(``host@backend``), availability_zone, up, fresh (its capacity report is
recent) and capabilities (``volume_backend_name``, ``total_capacity_gb``,
``free_capacity_gb``, ``provisioned_capacity_gb``, ``reserved_percentage``,
``max_over_subscription_ratio``, ``thin_provisioning_support``).
"""


def alive(backend, spec):
    return backend['up'] and backend['fresh']


def availability_zone(backend, spec):
    zone = spec.get('availability_zone')
    return not zone or backend['availability_zone'] == zone


def volume_type(backend, spec):
    """A type's ``volume_backend_name`` extra spec names the backends it may use."""
    wanted = ((spec.get('volume_type') or {}).get('extra_specs') or {}).get(
        'volume_backend_name')
    return not wanted or backend['capabilities'].get('volume_backend_name') == wanted


def source_host(backend, spec):
    """A clone or a volume from a snapshot is made on its source's backend."""
    return not spec.get('source_host') or backend['host'] == spec['source_host']


def capacity(backend, spec):
    """Room for ``size`` GiB: the free space less the reserve, or with thin
    provisioning what the over-subscription ratio still allows."""
    caps = backend['capabilities']
    total = float(caps.get('total_capacity_gb') or 0)
    free = float(caps.get('free_capacity_gb') or 0)
    reserved = total * float(caps.get('reserved_percentage') or 0) / 100.0
    size = spec['size']
    if free - reserved < 0 or total <= 0:
        return False
    if caps.get('thin_provisioning_support'):
        ratio = float(caps.get('max_over_subscription_ratio') or 1.0)
        provisioned = float(caps.get('provisioned_capacity_gb') or 0)
        return provisioned + size <= (total - reserved) * ratio
    return free - reserved >= size


FILTERS = (alive, availability_zone, volume_type, source_host, capacity)


def free_space(backend):
    return float(backend['capabilities'].get('free_capacity_gb') or 0)


def choose(backends, spec):
    """The passing backends, most free space first; the name of the first
    filter that left none, for the error."""
    candidates = list(backends)
    for check in FILTERS:
        candidates = [b for b in candidates if check(b, spec)]
        if not candidates:
            return [], check.__name__
    return sorted(candidates, key=free_space, reverse=True), None
