"""The console log's tail as nova cuts it (Tempest asks for 3 lines and
counts the pieces of the answer split at newlines)."""

import pytest

from services.compute.compute.manager import tail
from tests.unit.compute.conftest import DEMO

LOG = 'one\ntwo\nthree\nfour\n'


@pytest.mark.parametrize('text,length,expected', [
    (LOG, 3, 'three\nfour\n'),            # the empty piece after the last newline counts
    ('one\ntwo\nthree\nfour', 3, 'two\nthree\nfour'),
    (LOG, 100, LOG),
    (LOG, None, LOG),
    (LOG, 0, ''),
    ('', 3, ''),
])
def test_tail(text, length, expected):
    assert tail(text, length) == expected


@pytest.mark.parametrize('text', [LOG, LOG.rstrip('\n'), 'a\r\nb\r\nc\r\nd\r\n'])
def test_three_lines_split_into_three_pieces(text):
    assert len(tail(text, 3).split('\n')) == 3


def test_the_api_answers_the_tail_without_control_characters(cloud, monkeypatch):
    from services.compute.virt import fake
    monkeypatch.setattr(fake.FakeDriver, 'get_console_output', lambda self, context, instance:
                        'boot\r\n\x1b[1mlogin\x1b[0m:\tok\x07\r\nlast\r\n')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO, timeout=30)
    answer = cloud.action(server_id, {'os-getConsoleOutput': {'length': 3}}, status=200)
    assert answer.json['output'] == '[1mlogin[0m:\tok\nlast\n'
