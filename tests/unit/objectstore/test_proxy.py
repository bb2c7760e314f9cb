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


def test_each_container_replica_hears_from_two_object_replicas():
    nodes = [{'ip': '127.0.0.1', 'port': 6201 + i, 'device': 'd%d' % i} for i in range(3)]
    targets = [obj.container_targets(nodes, 5, i) for i in range(3)]
    assert targets[0] == {'X-Container-Host': '127.0.0.1:6201,127.0.0.1:6202',
                          'X-Container-Device': 'd0,d1', 'X-Container-Partition': '5'}
    # any two object replicas that succeed cover every container replica
    for a in range(3):
        for b in range(a + 1, 3):
            covered = set(targets[a]['X-Container-Device'].split(',')) | \
                set(targets[b]['X-Container-Device'].split(','))
            assert covered == {'d0', 'd1', 'd2'}


def test_inline_spawn_runs_at_once():
    assert backend.inline_spawn(lambda x: x * 2, 21).wait() == 42
