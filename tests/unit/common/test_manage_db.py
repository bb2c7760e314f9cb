"""``alto-manage <svc> db sync|version|upgrade``: one implementation for every
service, run as the real entry point against a scratch SQLite database."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

from common import db
from common.cmd import manage

ROOT = pathlib.Path(__file__).resolve().parents[3]
SERVICES = ('identity', 'image', 'network', 'compute')
LOG_LINE = re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d')

# One interpreter per service runs the commands in turn, as an operator would.
SCRIPT = '''
import sys
from common.cmd.manage import main
conf, service = sys.argv[1:3]
for command in sys.argv[3:]:
    print('>>> ' + command, flush=True)
    main(['--config-file', conf, service, 'db'] + command.split())
    sys.stdout.flush()
'''


def _run(tmp_path, service, *commands):
    conf = tmp_path / ('%s-db.conf' % service)
    conf.write_text('[DEFAULT]\nstate_path = %s\n[database]\nconnection = sqlite:///%s\n'
                    % (tmp_path, tmp_path / ('%s.sqlite' % service)))
    result = subprocess.run(
        [sys.executable, '-W', 'ignore', '-c', SCRIPT, str(conf), service] + list(commands),
        capture_output=True, text=True, timeout=120, cwd=str(ROOT), check=False,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stdout + result.stderr
    outputs = result.stdout.split('>>> ')[1:]
    # what each command printed, without the log lines that go to stdout too
    return ['\n'.join(line for line in out.splitlines()[1:] if not LOG_LINE.match(line))
            for out in outputs]


def _first_revision(service):
    from alembic import script
    scripts = script.ScriptDirectory.from_config(db._alembic_config(service, 'sqlite://'))
    return scripts.get_base()


@pytest.mark.parametrize('service', SERVICES)
def test_version_upgrade_and_sync(tmp_path, service):
    head = db.head_revision(service)
    first = _first_revision(service)
    empty, partial, partial_version, upgraded, synced, latest = _run(
        tmp_path, service, 'version', 'upgrade --revision %s' % first, 'version',
        'upgrade', 'sync', 'version')
    assert empty == 'none (head: %s)' % head
    assert partial == '%s database is at revision %s' % (service, first)
    assert partial_version == '%s (head: %s)' % (first, head)
    # upgrade goes to head unless told otherwise; sync (upgrade to head, then
    # what the service loads with its schema) may run again at will
    assert upgraded == '%s database is at revision %s' % (service, head)
    assert synced.splitlines()[0] == '%s database is at revision %s' % (service, head)
    assert latest == '%s (head: %s)' % (head, head)


def test_every_service_with_a_database_has_the_same_commands():
    parser = manage.build_parser()
    services = parser._subparsers._group_actions[0].choices
    for name in SERVICES:
        commands = services[name]._subparsers._group_actions[0].choices
        db_commands = commands['db']._subparsers._group_actions[0].choices
        assert sorted(db_commands) == ['sync', 'upgrade', 'version'], name
    assert 'db_sync' not in services['compute']._subparsers._group_actions[0].choices
