"""The soak of ``tools/bench/soak.py``, bounded: ``soak_s`` seconds
(light 2 minutes, full 10; the bench's own default is 30) of boot, list,
stop, start and delete cycles started at a fixed rate (:data:`RATE`) by
four clients on two fake-hypervisor hosts, no fault injected.  With
``soak_mixed`` (the full form) the real identity, image and network
daemons run beside them (:mod:`tools.bench.soak_mix`) and one client each
issues and validates tokens, creates, shows and deletes ports, and
creates, uploads, downloads and deletes small images, :data:`MIX_RATE`
cycles a minute per kind.  Every answer must be the one expected (2xx),
every server reach the status waited for, every image read back its
bytes, and nothing made be left at the end; no daemon's RSS (its workers
included) may grow more than ``soak_rss_mib`` (light 8 MiB, full 16: what
the runs measured, with margin; docs/reliability.md) from the first
sample after the first minute to the last (caches and connection pools
filling while the first servers are built are not a leak)."""

import pytest

from tests.faults import compute_storm
from tests.faults import figures
from tools.bench import soak
from tools.bench import soak_mix

pytestmark = [pytest.mark.faults, pytest.mark.scenario('soak')]

WORKERS = 4
#: cycles started a minute, all clients together: below what a loaded
#: two-core machine gets through (about 30), so the load stays the same
RATE = 24
#: token, port and image cycles started a minute, each kind
MIX_RATE = 30


def test_soak(tmp_path, rabbit_url, suite_mariadb):
    seconds = figures.size('soak_s')
    bound_mib = figures.size('soak_rss_mib')
    # RSS every 20 s (full form: every minute), the baseline after a minute:
    # the conductor's first ~15 MiB came within 20-40 s in the runs.
    sample_s, warmup_s = (20, 60) if seconds < 300 else (60, 60)
    cloud = compute_storm.make_cloud(tmp_path / 'cloud', suite_mariadb.create_database(),
                                     rabbit_url, ['soak0', 'soak1'])
    mix = None
    try:
        soak.prepare(cloud)
        if figures.size('soak_mixed'):
            mix = soak_mix.MixServices(
                tmp_path / 'mix', soak_mix.SERVICES, suite_mariadb.create_database(),
                suite_mariadb.create_database(), transport_url=rabbit_url).start()
        result = soak.run(cloud, seconds / 60, workers=WORKERS, rate=RATE,
                          sample_s=sample_s, warmup_s=warmup_s, mix=mix, mix_rate=MIX_RATE)
        soak.report(result)
        growth = {name: kib / 1024 for name, kib in result.growth_kib().items()}
        errors = sum(n for code, n in result.codes.items() if code == 'lost' or code >= 500)
        worst = max(growth.values())
        fig = figures.Figures(
            'soak', sent=result.requests,
            answered=result.requests - result.codes.get('lost', 0),
            lost=result.codes.get('lost', 0),
            stuck=len(result.left) if result.left is not None else 1,
            detail='codes %s; %.0f s, %d workers, %s cycles (rate %d/min%s); failures %d; '
                   'RSS growth MiB after %.0f s (bound %d): %s; worst p99 %s' % (
                       ' '.join('%s:%d' % item for item in sorted(result.codes.items(),
                                                                 key=str)),
                       seconds, WORKERS, _cycles(result), RATE,
                       ', others %d/min each' % MIX_RATE if mix else '',
                       len(result.failures), warmup_s, bound_mib, result.growth_line(),
                       _worst_p99(result)))
        figures.report(fig)
        assert errors == 0 and not result.failures, result.failures
        assert result.kind_cycles.get('servers', 0) >= WORKERS, \
            'the workload hardly ran: %s' % result.kind_cycles
        if mix:
            assert set(result.kind_cycles) == {'servers', 'tokens', 'ports', 'images'}, \
                result.kind_cycles
        assert result.left == [], result.left
        assert worst <= bound_mib, growth
    finally:
        if mix:
            mix.stop()
        cloud.stop()


def _cycles(result):
    """``49`` for servers only, ``servers 49, tokens 58, ...`` with the mix."""
    if set(result.kind_cycles) <= {'servers'}:
        return str(result.cycles)
    return result.cycles_line()


def _worst_p99(result):
    name, values = max(result.latencies.items(), key=lambda item: soak.percentile(
        item[1], 0.99))
    return '%s %.2f s' % (name, soak.percentile(values, 0.99))
