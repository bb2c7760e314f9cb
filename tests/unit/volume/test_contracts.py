"""The volume service's RPC pairs keep their contract, and the DB-free
daemons stay DB-free (checked over the source with ast)."""

import ast
import pathlib

from services.volume.backup import manager as backup_manager
from services.volume.backup import rpcapi as backup_rpcapi
from services.volume.conductor import manager as conductor_manager
from services.volume.conductor import rpcapi as conductor_rpcapi
from services.volume.scheduler import manager as scheduler_manager
from services.volume.scheduler import rpcapi as scheduler_rpcapi
from services.volume.volume import manager as volume_manager
from services.volume.volume import rpcapi as volume_rpcapi
from tests.unit import rpc_contract

ROOT = pathlib.Path(__file__).resolve().parents[3] / 'services' / 'volume'
DB_MODULES = ('sqlalchemy', 'oslo_db', 'alembic', 'services.volume.db')


def test_conductor_pair():
    rpc_contract.check_pair(conductor_rpcapi.ConductorAPI, conductor_manager.ConductorManager,
                            client_only=('timeout',), local=('report_state', 'init_host'))
    sent = rpc_contract.exercise(conductor_rpcapi.ConductorAPI)
    assert {s.kind for s in sent.values()} == {'call'}


def test_scheduler_pair():
    rpc_contract.check_pair(scheduler_rpcapi.SchedulerAPI, scheduler_manager.SchedulerManager,
                            local=('report_state',))
    assert rpc_contract.exercise(scheduler_rpcapi.SchedulerAPI)['create_volume'].kind == 'cast'


def test_volume_pair():
    rpc_contract.check_pair(volume_rpcapi.VolumeAPI, volume_manager.VolumeManager,
                            client_only=('host',),
                            local=('report_state', 'init_host', 'capabilities',
                                   'report_capacity', 'cleanup_interrupted'))
    sent = rpc_contract.exercise(volume_rpcapi.VolumeAPI)
    assert sent['initialize_connection'].kind == 'call'
    assert sent['initialize_connection_snapshot'].kind == 'call'
    assert sent['initialize_connection_snapshot'].prepared['version'] == '1.2'
    for name in ('create_volume', 'delete_volume', 'extend_volume', 'create_snapshot',
                 'delete_snapshot', 'terminate_connection', 'terminate_connection_snapshot'):
        assert sent[name].kind == 'cast', name
        assert sent[name].prepared['server'] == 'host', name


def test_backup_pair():
    rpc_contract.check_pair(backup_rpcapi.BackupAPI, backup_manager.BackupManager,
                            client_only=('host',), local=('report_state', 'init_host'))
    sent = rpc_contract.exercise(backup_rpcapi.BackupAPI)
    for name in ('create_backup', 'restore_backup', 'delete_backup'):
        assert sent[name].kind == 'cast', name
        assert sent[name].prepared['server'] == 'host', name


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from ('%s.%s' % (node.module, a.name) for a in node.names)


def test_only_the_conductor_and_db_import_the_database_layer():
    offenders = []
    for path in ROOT.rglob('*.py'):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ('db', 'conductor') or rel == pathlib.Path('cmd/conductor.py') or \
                rel == pathlib.Path('cmd/manage.py'):
            continue
        offenders += ['%s: %s' % (rel, name) for name in _imports(path)
                      if name.startswith(DB_MODULES)]
    assert offenders == []


def test_db_free_daemons_ban_the_database_first():
    for name in ('api', 'scheduler', 'volume', 'backup'):
        tree = ast.parse((ROOT / 'cmd' / ('%s.py' % name)).read_text())
        calls = [n for n in tree.body[1:] if isinstance(n, ast.Expr)]
        assert ast.unparse(calls[0]) == "db.ban_imports('volume')", name
