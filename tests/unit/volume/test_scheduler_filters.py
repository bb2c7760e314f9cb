"""Backend choice: liveness, zone, the type's backend name, a source's
backend, capacity (thick and thin), and free space first."""

from services.volume.scheduler import filters


def backend(host, free=100.0, total=200.0, zone='nova', name='file', up=True, fresh=True,
            thin=False, provisioned=0.0, reserved=0):
    return {'host': host, 'availability_zone': zone, 'up': up, 'fresh': fresh,
            'capabilities': {'volume_backend_name': name, 'free_capacity_gb': free,
                             'total_capacity_gb': total, 'thin_provisioning_support': thin,
                             'provisioned_capacity_gb': provisioned,
                             'max_over_subscription_ratio': 2.0,
                             'reserved_percentage': reserved}}


def spec(size=1, **extra):
    return dict({'size': size, 'availability_zone': None, 'volume_type': None,
                 'source_host': None}, **extra)


def hosts(chosen):
    return [b['host'] for b in chosen]


def test_most_free_space_first():
    chosen, failed = filters.choose([backend('a', free=10), backend('b', free=50)], spec())
    assert hosts(chosen) == ['b', 'a'] and failed is None


def test_each_filter_names_itself_when_it_leaves_none():
    assert filters.choose([backend('a', up=False)], spec())[1] == 'alive'
    assert filters.choose([backend('a', fresh=False)], spec())[1] == 'alive'
    assert filters.choose([backend('a')], spec(availability_zone='az2'))[1] == \
        'availability_zone'
    typed = spec(volume_type={'extra_specs': {'volume_backend_name': 'ceph'}})
    assert filters.choose([backend('a')], typed)[1] == 'volume_type'
    assert filters.choose([backend('a')], spec(source_host='b'))[1] == 'source_host'
    assert filters.choose([backend('a', free=5)], spec(size=10))[1] == 'capacity'


def test_reserve_and_thin_provisioning():
    assert not filters.capacity(backend('a', free=15, total=100, reserved=10), spec(size=10))
    thin = backend('a', free=5, total=100, thin=True, provisioned=150)
    assert filters.capacity(thin, spec(size=50))       # 200 GiB may be promised
    assert not filters.capacity(thin, spec(size=51))
