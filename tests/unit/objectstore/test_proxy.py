"""The proxy's quorum answer and container update targets."""

import pytest

from services.objectstore.proxy import backend
from services.objectstore.proxy.controllers import obj


def answers(*statuses):
    return [backend.Response(s) for s in statuses]


@pytest.mark.parametrize('statuses, expected', [
    ((201, 201, 201), 201),
    ((201, 201, 503), 201),
    ((201, 503, 503), 503),
    ((404, 404, 201), 404),
    ((404, 409, 404), 404),
    ((409, 409, 201), 409),
    ((204, 404, 503), 503),
])
def test_quorum_of_three(statuses, expected):
    assert backend.best_response(answers(*statuses), 3).status == expected


def test_quorum_sizes():
    assert [backend.quorum_size(n) for n in (1, 2, 3, 4, 5)] == [1, 2, 2, 3, 3]


def test_container_updates_reach_a_quorum_from_any_quorum_of_object_replicas():
    nodes = [{'ip': '127.0.0.1', 'port': 6201 + i, 'device': 'd%d' % i} for i in range(3)]
    targets = [obj.container_targets(nodes, 5, i, 3) for i in range(3)]
    assert targets[0] == {'X-Container-Host': '127.0.0.1:6201,127.0.0.1:6202',
                          'X-Container-Device': 'd0,d1', 'X-Container-Partition': '5'}
    # every container replica is named twice ...
    named = [d for t in targets for d in t['X-Container-Device'].split(',')]
    assert sorted(named) == ['d0', 'd0', 'd1', 'd1', 'd2', 'd2']
    # ... and any two object replicas that succeed reach two container replicas
    for a in range(3):
        for b in range(a + 1, 3):
            reached = set(targets[a]['X-Container-Device'].split(',')) | \
                set(targets[b]['X-Container-Device'].split(','))
            assert len(reached) >= 2


def test_container_updates_when_the_rings_differ():
    nodes = [{'ip': '127.0.0.1', 'port': 6201 + i, 'device': 'd%d' % i} for i in range(3)]
    # one object replica (quorum 1): it tells every container replica
    assert obj.container_targets(nodes, 1, 0, 1)['X-Container-Device'] == 'd0,d1,d2'
    # five object replicas: two each, in turn
    five = [obj.container_targets(nodes, 1, i, 5)['X-Container-Device'] for i in range(5)]
    assert five == ['d0,d1', 'd1,d2', 'd2,d0', 'd0,d1', 'd1,d2']


def test_inline_spawn_runs_at_once():
    assert backend.inline_spawn(lambda x: x * 2, 21).wait() == 42


class _Recorder:
    def __init__(self, fail_after=None):
        self.sent, self.fail_after, self.closed = [], fail_after, False

    def send(self, data):
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise BrokenPipeError()
        self.sent.append(data)

    def close(self):
        self.closed = True


def test_replica_streams_send_every_chunk_in_order_and_drop_a_failed_replica():
    conns = [(_Recorder(), {'device': 'd%d' % i}) for i in range(2)] + [
        (_Recorder(fail_after=1), {'device': 'd2'})]
    streams = backend.ReplicaStreams(conns, backend.inline_spawn, limit=4)
    assert streams.send(b'ab') == 3
    assert streams.send(b'cd') == 2          # the third replica's send failed
    assert streams.send(b'ef') == 2
    assert streams.flush() == 2
    assert [c.sent for c, _ in conns[:2]] == [[b'ab', b'cd', b'ef']] * 2
    assert conns[2][0].closed and [n['device'] for _, n in streams.conns] == ['d0', 'd1']


def test_a_write_answers_once_a_quorum_stored_it_without_the_slow_replica():
    import threading
    import types

    release = threading.Event()

    class Conn:
        def __init__(self, status, slow=False):
            self.status, self.slow, self.closed = status, slow, False

        def send(self, data):
            pass

        def getresponse(self):
            if self.slow:
                release.wait(10)
            return types.SimpleNamespace(status=self.status, read=lambda: b'',
                                         getheaders=lambda: [])

        def close(self):
            self.closed = True

    def spawn(func, *args):
        thread = threading.Thread(target=func, args=args)
        thread.start()
        return thread

    node = {'ip': '127.0.0.1', 'port': 1, 'device': 'd1'}
    be = backend.Backend({}, 1, 1, spawn, post_quorum_timeout=0.05)
    slow = Conn(201, slow=True)
    answers = be.finish_writes([(Conn(201), node), (slow, node), (Conn(201), node)],
                               chunked=False, replicas=3)
    assert [a.status for a in answers] == [201, 201]
    release.set()
    # without a quorum of stored replicas every answer is waited for
    release.clear()
    threading.Timer(0.1, release.set).start()
    answers = be.finish_writes([(Conn(503), node), (Conn(201, slow=True), node),
                                (Conn(201), node)], chunked=False, replicas=3)
    assert sorted(a.status for a in answers) == [201, 201, 503]
    assert slow.closed or release.wait(1)
