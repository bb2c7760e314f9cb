"""A compute host announces itself only once its RPC server listens.

``init_host`` runs before the RPC server starts (common.service.RPCService);
a heartbeat sent from it would make the scheduler pick a host whose queue
does not exist yet, and the build cast would be dropped.  The service's
heartbeat loop sends the first one after the server started.
"""

from services.compute.compute import manager as compute_manager


class _Driver:
    def init_host(self, host):
        pass

    def list_instance_uuids(self):
        return []


def test_init_host_reports_resources_but_no_heartbeat(env, monkeypatch):
    calls = []
    host = compute_manager.ComputeManager('cmp-1', driver=_Driver())
    monkeypatch.setattr(host, 'report_state', lambda: calls.append('heartbeat'))
    monkeypatch.setattr(host, 'report_resources', lambda: calls.append('resources'))
    monkeypatch.setattr(host, '_reconcile', lambda context: calls.append('reconcile'))
    host.init_host()
    assert calls == ['resources', 'reconcile']
