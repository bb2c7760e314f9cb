"""Pecan hooks: hand every request the conductor client and policy enforcer."""

import pecan

from services.network import exception


class ServicesHook(pecan.hooks.PecanHook):
    def __init__(self, conf, conductor, enforcer):
        self.conf = conf
        self.conductor = conductor
        self.enforcer = enforcer

    def before(self, state):
        state.request.app_conf = self.conf
        state.request.conductor = self.conductor
        state.request.enforcer = self.enforcer


class ProjectScopeHook(pecan.hooks.PecanHook):
    """Every Networking API call but version discovery acts within a project:
    a token scoped to no project (unscoped, domain or system) gets 403, so
    nothing is ever read or stored for "no project"."""

    def before(self, state):
        request = state.request
        if request.path.rstrip('/') == '':
            return
        if not getattr(request.context, 'project_id', None):
            raise exception.ProjectScopeRequired()
