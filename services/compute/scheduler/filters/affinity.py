def _group(spec, policy):
    group = spec.group
    return group if group and group.get('policy') == policy else None


class ServerGroupAffinityFilter:
    """Members of an ``affinity`` group all land on the first member's host."""

    def host_passes(self, host, spec):
        group = _group(spec, 'affinity')
        if not group or not group.get('hosts'):
            return True
        return host.host in group['hosts']


class ServerGroupAntiAffinityFilter:
    """An ``anti-affinity`` group puts at most ``max_server_per_host`` members
    (rule, default 1) on one host."""

    def host_passes(self, host, spec):
        group = _group(spec, 'anti-affinity')
        if not group:
            return True
        limit = int((group.get('rules') or {}).get('max_server_per_host', 1))
        return group.get('hosts', []).count(host.host) < limit
