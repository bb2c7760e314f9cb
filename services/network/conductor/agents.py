"""Agents: registration from report_state heartbeats, liveness, availability zones."""

from oslo_config import cfg
from oslo_utils import timeutils
from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import binding
from services.network.conductor import queries
from services.network.db import models

CONF = cfg.CONF
COLUMNS = {'id': models.Agent.id, 'agent_type': models.Agent.agent_type,
           'binary': models.Agent.binary, 'topic': models.Agent.topic,
           'host': models.Agent.host, 'admin_state_up': models.Agent.admin_state_up,
           'availability_zone': models.Agent.availability_zone,
           'description': models.Agent.description}
# Agent types whose availability zones are network / router zones.
ZONE_RESOURCES = {'DHCP agent': 'network', 'L3 agent': 'router'}


def _iso(value):
    return value.strftime('%Y-%m-%d %H:%M:%S') if value else None


def make_dict(agent):
    return {
        'id': agent.id, 'agent_type': agent.agent_type, 'binary': agent.binary,
        'topic': agent.topic, 'host': agent.host, 'admin_state_up': agent.admin_state_up,
        'alive': binding.agent_alive(agent), 'availability_zone': agent.availability_zone,
        'description': agent.description, 'configurations': agent.configurations or {},
        'created_at': _iso(agent.created_at), 'started_at': _iso(agent.started_at),
        'heartbeat_timestamp': _iso(agent.heartbeat_timestamp),
        'resources_synced': agent.resources_synced, 'ha_state': None,
    }


AGENTS = queries.Visible(models.Agent, lambda i: exception.AgentNotFound(id=i), make_dict,
                         COLUMNS, unscoped=True)


def _stored_types(session, wanted):
    """``wanted`` agent types spelled as the agents report them.  Neutron on its
    reference database (MySQL, case-insensitive collation) lists the DHCP agent
    for ``agent_type=DHCP Agent`` too, and Tempest asks with that spelling."""
    stored = {t.lower(): t for (t,) in session.query(models.Agent.agent_type).distinct()}
    values = wanted if isinstance(wanted, (list, tuple)) else [wanted]
    return [stored.get(str(v).lower(), v) for v in values]


def get_all(context, session, filters=None, **page):
    filters = dict(filters or {})
    alive = filters.pop('alive', None)
    if filters.get('agent_type'):
        filters['agent_type'] = _stored_types(session, filters['agent_type'])
    result = AGENTS.get_all(context, session, filters, **page)
    if alive:
        wanted = str(alive[0]).lower() in ('true', '1')
        result = [a for a in result if a['alive'] == wanted]
    return result


def update(context, session, agent_id, body):
    agent = AGENTS.get_row(context, session, agent_id)
    for key in ('admin_state_up', 'description'):
        if key in body:
            setattr(agent, key, body[key])
    session.flush()
    return make_dict(agent)


def delete(context, session, agent_id):
    """Deleted; ``_tunnel_ip`` names the VXLAN endpoint of an Open vSwitch
    agent, which the other agents then drop."""
    agent = AGENTS.get_row(context, session, agent_id)
    config = agent.configurations or {}
    session.delete(agent)
    result = {'id': agent_id}
    if agent.agent_type == binding.OVS_AGENT_TYPE and config.get('tunneling_ip'):
        result['_tunnel_ip'] = config['tunneling_ip']
    return result


def tunnel_endpoints(session, tunnel_type, exclude_host=None):
    """``tunneling_ip`` of the Open vSwitch agents that report ``tunnel_type``."""
    found = set()
    for agent in session.query(models.Agent).filter_by(agent_type=binding.OVS_AGENT_TYPE):
        config = agent.configurations or {}
        if agent.host != exclude_host and config.get('tunneling_ip') and \
                tunnel_type in (config.get('tunnel_types') or ()):
            found.add(config['tunneling_ip'])
    return sorted(found)


def report_state(session, state):
    """Create or refresh the agent row for ``state`` (an agent's report)."""
    now = timeutils.utcnow()
    agent = session.query(models.Agent).filter_by(agent_type=state['agent_type'],
                                                  host=state['host']).first()
    if agent is None:
        agent = models.Agent(id=uuidutils.generate_uuid(), agent_type=state['agent_type'],
                             host=state['host'], created_at=now, started_at=now,
                             admin_state_up=True)
        session.add(agent)
    elif state.get('start_flag'):
        agent.started_at = now
    agent.binary = state.get('binary', agent.binary or '')
    agent.topic = state.get('topic', agent.topic or '')
    agent.availability_zone = state.get('availability_zone',
                                        CONF.network_conductor.default_availability_zone)
    agent.configurations = state.get('configurations') or {}
    agent.resources_synced = state.get('resources_synced')
    agent.heartbeat_timestamp = now
    session.flush()
    return make_dict(agent)


def availability_zones(session):
    """``[{name, resource, state}]`` from the agents that carry a zone."""
    zones = {}
    for agent in session.query(models.Agent):
        resource = ZONE_RESOURCES.get(agent.agent_type)
        if resource is None or not agent.availability_zone:
            continue
        key = (agent.availability_zone, resource)
        usable = agent.admin_state_up and binding.agent_alive(agent)
        zones[key] = zones.get(key, False) or usable
    return [{'name': name, 'resource': resource,
             'state': 'available' if up else 'unavailable'}
            for (name, resource), up in sorted(zones.items())]
