"""Pecan hooks: hand every request the conductor client and policy enforcer."""

import pecan


class ServicesHook(pecan.hooks.PecanHook):
    def __init__(self, conf, conductor, enforcer):
        self.conf = conf
        self.conductor = conductor
        self.enforcer = enforcer

    def before(self, state):
        state.request.app_conf = self.conf
        state.request.conductor = self.conductor
        state.request.enforcer = self.enforcer
