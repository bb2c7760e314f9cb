"""Agent scheduling: which L3 agent serves a router, which DHCP agents serve
a network (``l3_agent_scheduler``, ``dhcp_agent_scheduler``).

A router is bound to one L3 agent, a network to ``[agent_scheduler]
dhcp_agents_per_network`` DHCP agents. New routers and networks that get a
DHCP subnet go to the least loaded candidates: alive, administratively up
agents of the type, fewest bindings first (ties by host, so the choice is
stable). An agent that synchronises picks up what has no agent yet
(``router_auto_schedule`` / ``network_auto_schedule``), and the conductor's
periodic check moves what dead agents held to live ones
(``allow_automatic_l3agent_failover`` / ``allow_automatic_dhcp_failover``).
Agents serve only what is bound to them: ``sync_routers`` and the DHCP
agents' network reads are filtered here.
"""

import sqlalchemy as sa
from oslo_config import cfg

from services.network import exception
from services.network.conductor import agents
from services.network.conductor import binding
from services.network.conductor import networks
from services.network.conductor import ports
from services.network.conductor import routers
from services.network.db import models

CONF = cfg.CONF
L3 = 'L3 agent'
DHCP = 'DHCP agent'


class _Kind:
    """One kind of binding: routers to L3 agents or networks to DHCP agents."""

    def __init__(self, agent_type, model, resource_column, agent_column, invalid_agent,
                 hosted, not_hosted):
        self.agent_type = agent_type
        self.model = model
        self.resource_column = resource_column
        self.agent_column = agent_column
        self.invalid_agent = invalid_agent
        self.hosted = hosted
        self.not_hosted = not_hosted

    def rows(self, session, **where):
        query = session.query(self.model)
        for key, value in where.items():
            column = self.resource_column if key == 'resource' else self.agent_column
            query = query.filter(getattr(self.model, column) == value)
        return query.all()

    def bind(self, session, resource_id, agent_id):
        session.add(self.model(**{self.resource_column: resource_id,
                                  self.agent_column: agent_id}))

    def resource_id(self, row):
        return getattr(row, self.resource_column)

    def agent_id(self, row):
        return getattr(row, self.agent_column)


ROUTERS = _Kind(L3, models.RouterL3AgentBinding, 'router_id', 'l3_agent_id',
                lambda a: exception.InvalidL3Agent(id=a),
                lambda r, a: exception.RouterHostedByL3Agent(router_id=r, agent_id=a),
                lambda r, a: exception.RouterNotHostedByL3Agent(router_id=r, agent_id=a))
NETWORKS = _Kind(DHCP, models.NetworkDhcpAgentBinding, 'network_id', 'dhcp_agent_id',
                 lambda a: exception.InvalidDHCPAgent(id=a),
                 lambda n, a: exception.NetworkHostedByDHCPAgent(network_id=n, agent_id=a),
                 lambda n, a: exception.NetworkNotHostedByDhcpAgent(network_id=n,
                                                                    agent_id=a))


def usable(agent):
    return agent.admin_state_up and binding.agent_alive(agent)


def _candidates(session, kind, exclude=()):
    """Usable agents of ``kind``, least loaded first."""
    load = dict(session.query(getattr(kind.model, kind.agent_column), sa.func.count())
                .group_by(getattr(kind.model, kind.agent_column)))
    found = [a for a in session.query(models.Agent).filter_by(agent_type=kind.agent_type)
             if usable(a) and a.id not in exclude]
    return sorted(found, key=lambda a: (load.get(a.id, 0), a.host, a.id))


def _host_agent(session, kind, host):
    return session.query(models.Agent).filter_by(agent_type=kind.agent_type,
                                                 host=host).first()


def _agent(session, kind, agent_id, must_be_usable=False):
    agent = session.get(models.Agent, agent_id)
    if agent is None:
        raise exception.AgentNotFound(id=agent_id)
    if agent.agent_type != kind.agent_type or (must_be_usable and not agent.admin_state_up):
        raise kind.invalid_agent(agent_id)
    return agent


def _dhcp_enabled(session, network_id):
    return session.query(models.Subnet.id).filter_by(network_id=network_id,
                                                     enable_dhcp=True).first() is not None


# -- automatic scheduling ------------------------------------------------------------

def schedule_router(session, router_id):
    """Bind a router with no L3 agent to the least loaded usable one; the
    agent or None (no usable L3 agent: a syncing agent takes it later)."""
    if ROUTERS.rows(session, resource=router_id):
        return None
    candidates = _candidates(session, ROUTERS)
    if not candidates:
        return None
    ROUTERS.bind(session, router_id, candidates[0].id)
    session.flush()
    return candidates[0]


def schedule_network(session, network_id, candidates=None):
    """Bind a network with a DHCP-enabled subnet to usable DHCP agents
    (least loaded first, or of ``candidates``) until
    ``dhcp_agents_per_network`` alive ones serve it; the new agents."""
    if not _dhcp_enabled(session, network_id):
        return []
    bound = {NETWORKS.agent_id(r) for r in NETWORKS.rows(session, resource=network_id)}
    live = [a for a in (session.get(models.Agent, i) for i in bound)
            if a is not None and binding.agent_alive(a)]
    wanted = CONF.agent_scheduler.dhcp_agents_per_network - len(live)
    if candidates is None:
        candidates = _candidates(session, NETWORKS, exclude=bound)
    added = [a for a in candidates if a.id not in bound][:max(wanted, 0)]
    for agent in added:
        NETWORKS.bind(session, network_id, agent.id)
    session.flush()
    return added


def on_created(session, resource, item):
    """Scheduling after a create: a router, or a subnet with DHCP on."""
    if resource == 'router':
        schedule_router(session, item['id'])
    elif resource == 'subnet' and item.get('enable_dhcp'):
        schedule_network(session, item['network_id'])


def _auto_schedule(session, kind, agent):
    """What ``agent`` (usable, syncing) takes: routers with no agent, or
    networks short of alive DHCP agents."""
    if kind is ROUTERS:
        if not CONF.agent_scheduler.router_auto_schedule:
            return
        bound = sa.select(models.RouterL3AgentBinding.router_id)
        for (router_id,) in session.query(models.Router.id).filter(
                models.Router.id.not_in(bound)):
            ROUTERS.bind(session, router_id, agent.id)
    else:
        if not CONF.agent_scheduler.network_auto_schedule:
            return
        mine = {NETWORKS.resource_id(r) for r in NETWORKS.rows(session, agent=agent.id)}
        alive = {}
        for row in NETWORKS.rows(session):
            bound_agent = session.get(models.Agent, NETWORKS.agent_id(row))
            if binding.agent_alive(bound_agent):
                alive[NETWORKS.resource_id(row)] = alive.get(NETWORKS.resource_id(row),
                                                              0) + 1
        per_network = CONF.agent_scheduler.dhcp_agents_per_network
        for (network_id,) in session.query(models.Subnet.network_id).filter_by(
                enable_dhcp=True).distinct():
            if network_id not in mine and alive.get(network_id, 0) < per_network:
                NETWORKS.bind(session, network_id, agent.id)
    session.flush()


def routers_of_host(session, host, router_ids=None):
    """IDs of the routers the L3 agent of ``host`` serves (a full sync,
    ``router_ids`` None, first binds routers that have no agent to it)."""
    agent = _host_agent(session, ROUTERS, host)
    if agent is None:
        return set()
    if router_ids is None and usable(agent):
        _auto_schedule(session, ROUTERS, agent)
    ids = {ROUTERS.resource_id(r) for r in ROUTERS.rows(session, agent=agent.id)}
    return ids if router_ids is None else ids & set(router_ids)


def networks_of_host(session, host, auto_schedule=False):
    """IDs of the networks the DHCP agent of ``host`` serves."""
    agent = _host_agent(session, NETWORKS, host)
    if agent is None:
        return set()
    if auto_schedule and usable(agent):
        _auto_schedule(session, NETWORKS, agent)
    return {NETWORKS.resource_id(r) for r in NETWORKS.rows(session, agent=agent.id)}


def network_served_by(session, network_id, host):
    """Whether the DHCP agent of ``host`` serves the network; one that is
    usable takes a network short of alive DHCP agents (a subnet got DHCP
    while no agent was alive, or DHCP was turned on later)."""
    agent = _host_agent(session, NETWORKS, host)
    if agent is None:
        return False
    if NETWORKS.rows(session, resource=network_id, agent=agent.id):
        return True
    if not (CONF.agent_scheduler.network_auto_schedule and usable(agent)):
        return False
    return agent in schedule_network(session, network_id, candidates=[agent])


# -- failover -----------------------------------------------------------------------

def reschedule_from_dead_agents(session):
    """Move routers (``allow_automatic_l3agent_failover``) and networks
    (``allow_automatic_dhcp_failover``) off agents that stopped reporting;
    ``(router ids, network ids)`` whose agents changed."""
    moved_routers, moved_networks = set(), set()
    dead = {a.id for a in session.query(models.Agent) if not binding.agent_alive(a)}
    if not dead:
        return moved_routers, moved_networks
    if CONF.agent_scheduler.allow_automatic_l3agent_failover:
        for row in ROUTERS.rows(session):
            if ROUTERS.agent_id(row) in dead:
                candidates = _candidates(session, ROUTERS)
                if not candidates:
                    break
                router_id = ROUTERS.resource_id(row)
                session.delete(row)
                session.flush()
                ROUTERS.bind(session, router_id, candidates[0].id)
                session.flush()
                moved_routers.add(router_id)
    if CONF.agent_scheduler.allow_automatic_dhcp_failover:
        for row in NETWORKS.rows(session):
            if NETWORKS.agent_id(row) not in dead:
                continue
            network_id = NETWORKS.resource_id(row)
            schedule_network(session, network_id)
            # Dropped only once a live agent serves the network: with every
            # DHCP agent down (a restart of them all) nothing would.
            if any(NETWORKS.agent_id(r) not in dead
                   for r in NETWORKS.rows(session, resource=network_id)):
                session.delete(row)
                session.flush()
                moved_networks.add(network_id)
    return moved_routers, moved_networks


# -- the API's calls (admin) -----------------------------------------------------------

def _agent_dicts(session, kind, resource_id):
    rows = kind.rows(session, resource=resource_id)
    found = [session.get(models.Agent, kind.agent_id(r)) for r in rows]
    return [agents.make_dict(a) for a in sorted(found, key=lambda a: (a.host, a.id))]


def router_agents(context, session, router_id):
    routers.ROUTERS.get_row(context, session, router_id)
    return _agent_dicts(session, ROUTERS, router_id)


def network_agents(context, session, network_id):
    networks.NETWORKS.get_row(context, session, network_id)
    return _agent_dicts(session, NETWORKS, network_id)


def agent_routers(context, session, agent_id):
    agent = _agent(session, ROUTERS, agent_id)
    ids = [ROUTERS.resource_id(r) for r in ROUTERS.rows(session, agent=agent.id)]
    return [routers.make_dict(r) for r in session.query(models.Router).filter(
        models.Router.id.in_(ids)).order_by(models.Router.id)]


def agent_networks(context, session, agent_id):
    agent = _agent(session, NETWORKS, agent_id)
    ids = [NETWORKS.resource_id(r) for r in NETWORKS.rows(session, agent=agent.id)]
    return [networks.make_dict(n) for n in session.query(models.Network).filter(
        models.Network.id.in_(ids)).order_by(models.Network.id)]


def add_router(context, session, agent_id, router_id):
    """Bind a router to an L3 agent: a router has one agent (409 if it has
    another; the same one again changes nothing)."""
    agent = _agent(session, ROUTERS, agent_id, must_be_usable=True)
    routers.ROUTERS.get_row(context, session, router_id)
    for row in ROUTERS.rows(session, resource=router_id):
        if ROUTERS.agent_id(row) == agent.id:
            return False
        raise ROUTERS.hosted(router_id, ROUTERS.agent_id(row))
    ROUTERS.bind(session, router_id, agent.id)
    session.flush()
    return True


def add_network(context, session, agent_id, network_id):
    agent = _agent(session, NETWORKS, agent_id, must_be_usable=True)
    networks.NETWORKS.get_row(context, session, network_id)
    if NETWORKS.rows(session, resource=network_id, agent=agent.id):
        raise NETWORKS.hosted(network_id, agent.id)
    NETWORKS.bind(session, network_id, agent.id)
    session.flush()
    return True


def remove(context, session, kind, agent_id, resource_id):
    """Unbind; for a network, the DHCP ports of the agent's host on it go
    too (their addresses are free again). The deleted ports' dicts."""
    agent = _agent(session, kind, agent_id)
    rows = kind.rows(session, resource=resource_id, agent=agent.id)
    if not rows:
        raise kind.not_hosted(resource_id, agent.id)
    session.delete(rows[0])
    session.flush()
    if kind is not NETWORKS:
        return []
    dhcp_ports = session.query(models.Port.id).filter_by(
        network_id=resource_id, device_owner='network:dhcp', binding_host_id=agent.host)
    return [ports.delete(context, session, port_id) for (port_id,) in dhcp_ports.all()]
