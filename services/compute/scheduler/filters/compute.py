class ComputeFilter:
    """The host's compute service is enabled and sending heartbeats."""

    def host_passes(self, host, spec):
        return host.enabled and host.up


class AvailabilityZoneFilter:
    def host_passes(self, host, spec):
        wanted = spec.availability_zone
        return not wanted or host.availability_zone == wanted


class ImagePropertiesFilter:
    """Image ``hw_architecture``/``architecture`` and ``img_hv_type``/
    ``hypervisor_type`` properties must match the host."""

    def host_passes(self, host, spec):
        props = (spec.image or {}).get('properties') or {}
        arch = props.get('hw_architecture') or props.get('architecture')
        if arch and arch != host.cpu_info.get('arch'):
            return False
        hv_type = props.get('img_hv_type') or props.get('hypervisor_type')
        if hv_type and hv_type.lower() != (host.hypervisor_type or '').lower():
            return False
        return True
