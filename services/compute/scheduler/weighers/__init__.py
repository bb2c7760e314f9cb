"""Host weighers: each scores hosts; scores are normalised to 0..1 and
summed with their multipliers, the highest total wins."""

from oslo_config import cfg

CONF = cfg.CONF


class RAMWeigher:
    multiplier = 1.0

    def weigh(self, host, spec):
        return host.free_ram_mb


class CPUWeigher:
    multiplier = 1.0

    def weigh(self, host, spec):
        return host.free_vcpus


class DiskWeigher:
    multiplier = 1.0

    def weigh(self, host, spec):
        return host.free_disk_gb


def _members_on(host, spec, policy):
    group = spec.group
    if not group or group.get('policy') != policy:
        return 0
    return list(group.get('hosts') or []).count(host.host)


class ServerGroupSoftAffinityWeigher:
    """A ``soft-affinity`` group prefers the hosts holding most members."""

    def __init__(self):
        self.multiplier = CONF.scheduler.soft_affinity_weight_multiplier

    def weigh(self, host, spec):
        return _members_on(host, spec, 'soft-affinity')


class ServerGroupSoftAntiAffinityWeigher:
    """A ``soft-anti-affinity`` group prefers the hosts holding fewest members."""

    def __init__(self):
        self.multiplier = CONF.scheduler.soft_anti_affinity_weight_multiplier

    def weigh(self, host, spec):
        return -_members_on(host, spec, 'soft-anti-affinity')


ALL_WEIGHERS = {cls.__name__: cls for cls in (
    RAMWeigher, CPUWeigher, DiskWeigher, ServerGroupSoftAffinityWeigher,
    ServerGroupSoftAntiAffinityWeigher)}


def load(names):
    unknown = [n for n in names if n not in ALL_WEIGHERS]
    if unknown:
        raise ValueError('unknown scheduler weighers: %s' % ', '.join(unknown))
    return [ALL_WEIGHERS[n]() for n in names]


def weigh(weighers, hosts, spec):
    """Hosts sorted best first."""
    totals = {id(h): 0.0 for h in hosts}
    for weigher in weighers:
        raw = [weigher.weigh(h, spec) for h in hosts]
        low, high = (min(raw), max(raw)) if raw else (0, 0)
        for host, value in zip(hosts, raw):
            norm = 0.0 if high == low else (value - low) / (high - low)
            totals[id(host)] += weigher.multiplier * norm
    return sorted(hosts, key=lambda h: (-totals[id(h)], h.host))
