"""The soak bench's arithmetic (tools/bench/soak.py): percentiles, the RSS
baseline after the warm-up, the pacing of cycle starts."""

import threading
import time

from tools.bench import soak


def test_percentile_is_the_nearest_rank():
    values = list(range(200, 0, -1))
    assert soak.percentile(values, 0.99) == 198
    assert soak.percentile(values, 0.5) == 100
    assert soak.percentile([3.0], 0.99) == 3.0
    assert soak.percentile([], 0.99) is None


def _result(samples, warmup_s):
    return soak.Result(1, 4, 0, 0, 0, {}, {'GET /x': [0.1, 0.3]}, [], [], samples, warmup_s)


def test_growth_is_from_the_first_sample_after_the_warm_up():
    samples = [(0.0, {'api': 1000, 'conductor': 1000}),
               (20.1, {'api': 1024, 'conductor': 9000}),
               (60.2, {'api': 2048, 'conductor': 15000}),
               (120.0, {'api': 3072, 'conductor': 15360})]
    result = _result(samples, 60)
    assert result.baseline() == samples[2]
    assert result.growth_kib() == {'api': 1024, 'conductor': 360}
    assert result.growth_line() == 'api +1.0, conductor +0.4'
    assert result.latency_line() == 'GET /x p50 0.10 p99 0.30 s (n=2)'
    # A run shorter than its warm-up measures from its first sample.
    assert _result(samples[:2], 60).baseline() == samples[0]


def test_pacer_spaces_starts_and_stops_waiting_when_told():
    stop = threading.Event()
    pacer = soak.Pacer(per_minute=600)   # one start every 0.1 s
    started = time.time()
    for _ in range(4):
        pacer.wait(stop)
    assert 0.25 <= time.time() - started < 2
    slow = soak.Pacer(per_minute=1)
    slow.wait(stop)
    stop.set()
    started = time.time()
    slow.wait(stop)                      # would be a minute
    assert time.time() - started < 1
    free = soak.Pacer(per_minute=0)
    started = time.time()
    for _ in range(100):
        free.wait(threading.Event())
    assert time.time() - started < 1
