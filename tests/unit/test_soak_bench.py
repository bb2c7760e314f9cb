"""The soak bench (tools/bench/soak.py, tools/bench/soak_mix.py) without
daemons: percentiles, the RSS baseline after the warm-up, the pacing of
cycle starts, the services asked for, the accounting of calls, the token,
port and image cycles against a stand-in HTTP client, a run of stand-in
cycles."""

import json
import re
import signal
import threading
import time

import pytest

from tests.faults import client
from tools.bench import soak
from tools.bench import soak_mix


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


# -- the mixed workload: services chosen, accounting, cycles, the run ---------

def test_services_are_checked_and_put_in_order():
    assert soak_mix.parse_services('identity, image,compute') == (
        'compute', 'image', 'identity')
    assert soak_mix.parse_services('compute') == ('compute',)
    for bad, said in (('compute,dns', 'unknown service(s) dns'), (' , ', 'no service'),
                      ('image', 'image validate tokens: add identity'),
                      ('compute,network,image', 'network and image validate tokens')):
        with pytest.raises(ValueError, match=re.escape(said)):
            soak_mix.parse_services(bad)


def test_command_line_refuses_image_without_identity(capsys):
    with pytest.raises(SystemExit):
        soak.parser().parse_args(['--services', 'compute,image'])
    assert 'add identity' in capsys.readouterr().err
    args = soak.parser().parse_args([])
    assert args.services == ('compute', 'network', 'image', 'identity')
    assert (args.mix_rate, args.mix_workers, args.rate) == (30, 1, 24)


def test_daemon_names_say_their_service():
    assert soak_mix.daemon_name('identity', 'api') == 'identity-api'
    assert soak_mix.daemon_name('network', 'alto-network-conductor') == 'network-conductor'
    assert soak_mix.daemon_name('network', 'alto-network-api') == 'network-api'


class FakeHTTP:
    """Stands in for ``client.send``: answers from ``replies`` in turn and
    keeps every request."""

    def __init__(self, monkeypatch, *replies):
        self.replies = list(replies)
        self.sent = []
        monkeypatch.setattr(client, 'send', self)

    def __call__(self, method, url, body=None, headers=None, timeout=90, data=None):
        self.sent.append((method, url, body, dict(headers or {}), data))
        reply = self.replies.pop(0)
        return reply(body, data) if callable(reply) else reply


def _answer(status, body=None, headers=None, text=None):
    return client.Answer(status, headers or {},
                         text if text is not None else json.dumps(body) if body else '')


def test_tally_counts_every_call_and_what_was_not_expected(monkeypatch):
    FakeHTTP(monkeypatch, _answer(201), _answer(404, text='no such thing'), _answer(503),
             None, _answer(409))
    tally = soak.Tally()
    assert tally.call('POST /x', 'POST', 'http://h/x', expect=(201,)).status == 201
    tally.call('GET /x', 'GET', 'http://h/x', expect=(200,))
    tally.call('GET /x', 'GET', 'http://h/x')
    assert tally.call('GET /x', 'GET', 'http://h/x') is None
    tally.call('POST os-stop', 'POST', 'http://h/a')   # no expect: only 5xx/lost count
    assert tally.codes == {201: 1, 404: 1, 503: 1, 'lost': 1, 409: 1}
    assert len(tally.latencies['GET /x']) == 3
    assert tally.failures == ['GET /x -> 404 no such thing', 'GET /x -> 503', 'GET /x -> lost']


def _tokens():
    tokens = soak_mix.TokenSource('http://id/v3')
    tokens.token, tokens.issued_at = 'tok', time.time()
    return tokens


def test_token_cycle_validates_the_token_it_was_given(monkeypatch):
    http = FakeHTTP(monkeypatch, _answer(201, {'token': {}}, {'x-subject-token': 'abc'}),
                    _answer(200, {'token': {}}))
    tally = soak.Tally()
    assert soak_mix.TokenCycle(tally, 'http://id/v3')(7, threading.Event())
    (_, url, body, _, _), (method, _, _, headers, _) = http.sent
    assert url == 'http://id/v3/auth/tokens'
    assert body['auth']['scope']['project']['name'] == soak_mix.PROJECT
    assert method == 'GET' and headers == {'X-Auth-Token': 'abc', 'X-Subject-Token': 'abc'}
    assert not tally.failures
    # No token back: the cycle stops there, the refusal is a failure.
    FakeHTTP(monkeypatch, _answer(401, text='refused'))
    assert not soak_mix.TokenCycle(tally, 'http://id/v3')(8, threading.Event())
    assert tally.failures == ['POST /v3/auth/tokens -> 401 refused']


def test_port_cycle_creates_shows_deletes_and_wants_an_address(monkeypatch):
    port = {'port': {'id': 'p1', 'fixed_ips': []}}
    http = FakeHTTP(monkeypatch, _answer(201, port), _answer(200, port), _answer(204))
    tally = soak.Tally()
    assert soak_mix.PortCycle(tally, 'http://net', _tokens(), 'n1')(3, threading.Event())
    assert [(m, u) for m, u, _, _, _ in http.sent] == [
        ('POST', 'http://net/v2.0/ports'), ('GET', 'http://net/v2.0/ports/p1'),
        ('DELETE', 'http://net/v2.0/ports/p1')]
    assert http.sent[0][2] == {'port': {'network_id': 'n1', 'name': 'soak-port-3'}}
    assert all(h['X-Auth-Token'] == 'tok' for _, _, _, h, _ in http.sent)
    assert tally.failures == ['port p1 has no address']


def test_image_cycle_reads_back_the_bytes_it_uploaded(monkeypatch):
    stored = {}

    def keep(body, data):
        stored['blob'] = data
        return _answer(204)

    http = FakeHTTP(monkeypatch, _answer(201, {'id': 'i1'}), keep,
                    lambda body, data: _answer(200, text=stored['blob'].decode()),
                    _answer(204))
    tally = soak.Tally()
    assert soak_mix.ImageCycle(tally, 'http://img', _tokens())(5, threading.Event())
    assert [(m, u) for m, u, _, _, _ in http.sent] == [
        ('POST', 'http://img/v2/images'), ('PUT', 'http://img/v2/images/i1/file'),
        ('GET', 'http://img/v2/images/i1/file'), ('DELETE', 'http://img/v2/images/i1')]
    assert len(stored['blob']) == soak_mix.BLOB_BYTES
    assert http.sent[1][3]['Content-Type'] == 'application/octet-stream'
    assert not tally.failures
    # Other bytes back are a failure; the image is deleted all the same.
    http = FakeHTTP(monkeypatch, _answer(201, {'id': 'i2'}), _answer(204),
                    _answer(200, text='x'), _answer(204))
    assert soak_mix.ImageCycle(tally, 'http://img', _tokens())(6, threading.Event())
    assert tally.failures == ['image i2 read back 1 bytes other than the 4096 sent']
    assert http.sent[-1][0] == 'DELETE'


class FakeMix:
    """A mix of two kinds without daemons: ``quick`` always goes through,
    ``broken`` raises every other time."""

    def __init__(self, left):
        self._left = left
        self.calls = {'quick': 0, 'broken': 0}

    def cycles(self, tally):
        def quick(index, stop):
            self.calls['quick'] += 1
            return True

        def broken(index, stop):
            self.calls['broken'] += 1
            if index % 2000 == 0:
                raise RuntimeError('boom')
            return True
        return {'quick': quick, 'broken': broken}

    def rss_by_daemon_kib(self):
        return {'identity-api': 1000 + 10 * sum(self.calls.values())}

    def left(self):
        return self._left


def test_run_paces_each_kind_counts_cycles_and_merges_what_is_left():
    mix = FakeMix([('port p9', 'DOWN')])
    lines = []
    result = soak.run(None, 0.04, sample_s=1, warmup_s=0, log=lines.append, mix=mix,
                      mix_rate=120, mix_workers=2)
    # 2.4 s at 120 a minute (one each 0.5 s): about five cycles a kind
    assert 3 <= result.kind_cycles['quick'] <= 7, result.kind_cycles
    assert mix.calls['broken'] >= 3
    # The worker whose first index raised went on (1000 does not raise).
    assert result.kind_cycles['broken'] >= 1
    assert result.cycles == sum(result.kind_cycles.values())
    assert result.failures[0] == "broken cycle 0: RuntimeError('boom')"
    assert result.left == [('port p9', 'DOWN')]
    assert len(result.samples) >= 3 and set(result.samples[0][1]) == {'identity-api'}
    assert lines[0].startswith('minute   0.0: identity-api 1 MiB; ')
    assert result.mix_rate == 120
    assert soak.run(None, 0.001, sample_s=1, mix=FakeMix(None), log=lines.append).left is None


def test_report_says_cycles_by_kind():
    result = _result([(0.0, {'api': 1000})], 60)
    result.kind_cycles, result.mix_rate = {'servers': 4, 'ports': 30, 'tokens': 31}, 30
    lines = []
    soak.report(result, log=lines.append)
    assert lines[0].startswith('soak: 1.0 min, 4 server workers, rate free, 4 cycles')
    assert lines[1] == 'other cycles (rate 30 each): ports 30, tokens 31'
    assert result.cycles_line() == 'ports 30, servers 4, tokens 31'
    lines = []
    soak.report(_result([(0.0, {'api': 1000})], 60), log=lines.append)
    assert not lines[1].startswith('other cycles')


def test_problems_name_failures_leftovers_and_growth_over_the_bound():
    samples = [(0.0, {'api': 1000, 'identity-api': 1000}),
               (60.0, {'api': 1000, 'identity-api': 1000}),
               (120.0, {'api': 2024, 'identity-api': 1000 + 20 * 1024})]
    result = _result(samples, 60)
    assert result.problems(16) == ['RSS grew more than 16 MiB: identity-api +20.0']
    assert result.problems(32) == []
    result.failures, result.left = ['GET /x -> 503'], [('image i1', 'active')]
    assert result.problems(32) == ['1 failures', "1 left: [('image i1', 'active')]"]
    result.left = None
    assert result.problems(32)[1] == 'a listing at the end did not answer'


class _StandInMix:
    """soak_mix.MixServices without daemons: writes into the work directory
    as the real daemons do (logs, configs)."""

    def __init__(self, workdir, services, *databases):
        self.workdir = workdir
        self.stopped = False

    def start(self):
        (self.workdir / 'identity.log').write_text('started\n')

    def stop(self):
        self.stopped = True


@pytest.mark.parametrize('failure', [KeyboardInterrupt, RuntimeError, None])
def test_the_work_directory_goes_at_exit_whatever_the_end(monkeypatch, tmp_path, failure):
    import contextlib

    from tests.functional import databases
    made = []

    def mkdtemp(prefix):
        made.append(tmp_path / (prefix + str(len(made))))
        made[-1].mkdir()
        return str(made[-1])

    mixes = []

    def mix(*args):
        mixes.append(_StandInMix(*args))
        return mixes[-1]

    def finished(*args, **kwargs):
        return soak.Result(1, 0, 0, 0, 0, {}, {}, [], [], [(0.0, {'api': 1})], 0)

    def run(*args, **kwargs):
        if failure:
            raise failure('stopped')
        return finished()

    monkeypatch.setattr(soak.tempfile, 'mkdtemp', mkdtemp)
    monkeypatch.setattr(databases, 'scratch_database',
                        lambda backend, prefix: contextlib.nullcontext('sqlite://'))
    monkeypatch.setattr(soak_mix, 'MixServices', mix)
    monkeypatch.setattr(soak, 'run', run)
    monkeypatch.setattr(soak, 'report', lambda result: None)
    argv = ['--services', 'identity', '--minutes', '0']
    before = signal.getsignal(signal.SIGTERM)
    if failure:
        with pytest.raises(failure):
            soak.main(argv)
    else:
        assert soak.main(argv) == 0
    assert len(made) == 1 and not made[0].exists()
    assert mixes[0].stopped
    assert signal.getsignal(signal.SIGTERM) is before   # handed back
    # --keep-workdir leaves it for a look at the daemons' logs
    monkeypatch.setattr(soak, 'run', finished)
    soak.main(argv + ['--keep-workdir'])
    assert (made[1] / 'identity.log').exists()
