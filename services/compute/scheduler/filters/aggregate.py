SCOPE = 'aggregate_instance_extra_specs'


class AggregateInstanceExtraSpecsFilter:
    """Flavor extra specs scoped ``aggregate_instance_extra_specs:`` (or not
    scoped at all) must be found in the metadata of the host's aggregates."""

    def host_passes(self, host, spec):
        extra_specs = spec.flavor.get('extra_specs') or {}
        wanted = {}
        for key, value in extra_specs.items():
            scope, _, name = key.partition(':')
            if name and scope == SCOPE:
                wanted[name] = value
            elif not name:
                wanted[key] = value
        if not wanted:
            return True
        metadata = host.aggregate_metadata()
        for key, value in wanted.items():
            if key not in metadata:
                return False
            if not {v.strip() for v in str(value).split(',')} & metadata[key]:
                return False
        return True
