"""Host filters: each says whether one host can take one server.

A filter has ``host_passes(host_state, spec)``; ``spec`` is the
:class:`~services.compute.objects.request_spec.RequestSpec` being placed.
"""

from services.compute.scheduler.filters import affinity
from services.compute.scheduler.filters import aggregate
from services.compute.scheduler.filters import compute
from services.compute.scheduler.filters import resources

ALL_FILTERS = {cls.__name__: cls for cls in (
    compute.ComputeFilter, compute.AvailabilityZoneFilter, compute.ImagePropertiesFilter,
    resources.RamFilter, resources.DiskFilter, resources.CoreFilter,
    aggregate.AggregateInstanceExtraSpecsFilter,
    affinity.ServerGroupAffinityFilter, affinity.ServerGroupAntiAffinityFilter)}


def load(names):
    unknown = [n for n in names if n not in ALL_FILTERS]
    if unknown:
        raise ValueError('unknown scheduler filters: %s' % ', '.join(unknown))
    return [ALL_FILTERS[n]() for n in names]
