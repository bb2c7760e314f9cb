"""Port binding by the Open vSwitch mechanism driver.

A port with ``binding:host_id`` is bound when that host runs a live Open
vSwitch agent (its reported bridge and datapath go into ``vif_details``); a
host whose agent stopped reporting gives ``binding_failed``. A host with no
agent at all is bound with the configured defaults when
``[ml2] bind_without_agent`` is set, so clouds without a data plane (tests,
fake hypervisors) still get usable ports.
"""

from oslo_config import cfg

from common import servicegroup
from services.network.db import models

CONF = cfg.CONF
OVS_AGENT_TYPE = 'Open vSwitch agent'
UNBOUND = 'unbound'
FAILED = 'binding_failed'

def agent_alive(agent):
    return servicegroup.is_up(agent.heartbeat_timestamp, CONF.agent.agent_down_time)


def bind(session, port):
    """Set ``binding_vif_type`` / ``binding_vif_details`` from the host's agent."""
    host = port.binding_host_id
    if not host:
        port.binding_vif_type, port.binding_vif_details = UNBOUND, {}
        return
    agent = session.query(models.Agent).filter_by(agent_type=OVS_AGENT_TYPE,
                                                  host=host).first()
    if agent is None and not CONF.ml2.bind_without_agent:
        port.binding_vif_type, port.binding_vif_details = FAILED, {}
        return
    if agent is not None and (not agent.admin_state_up or not agent_alive(agent)):
        port.binding_vif_type, port.binding_vif_details = FAILED, {}
        return
    config = (agent.configurations if agent is not None else {}) or {}
    port.binding_vif_type = CONF.ml2.ovs_vif_type
    port.binding_vif_details = {
        'connectivity': 'l2', 'port_filter': True, 'ovs_hybrid_plug': False,
        'datapath_type': config.get('datapath_type', CONF.ml2.datapath_type),
        'bridge_name': config.get('integration_bridge', CONF.ml2.integration_bridge),
    }
