"""Host weighers: each scores hosts; scores are normalised to 0..1 and
summed with their multipliers, the highest total wins."""


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


ALL_WEIGHERS = {cls.__name__: cls for cls in (RAMWeigher, CPUWeigher, DiskWeigher)}


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
