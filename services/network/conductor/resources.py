"""The explicit table of resources the conductor serves by name."""

import types

from services.network.conductor import addressscopes
from services.network.conductor import agents
from services.network.conductor import floatingips
from services.network.conductor import metering
from services.network.conductor import networks
from services.network.conductor import ports
from services.network.conductor import qos
from services.network.conductor import rbac
from services.network.conductor import routers
from services.network.conductor import securitygroups
from services.network.conductor import subnetpools
from services.network.conductor import subnets

_rules = types.SimpleNamespace(
    get=lambda ctx, s, rule_id: securitygroups.rule_dict(
        securitygroups.get_rule(ctx, s, rule_id)),
    get_all=securitygroups.get_rules, create=securitygroups.create_rule,
    update=None, delete=securitygroups.delete_rule)

_agents = types.SimpleNamespace(get=agents.get, get_all=agents.get_all, create=None,
                                update=agents.update, delete=agents.delete)

_metering_labels = types.SimpleNamespace(
    get=metering.get_label, get_row=metering.get_label_row, get_all=metering.get_labels,
    create=metering.create_label, update=None, delete=metering.delete_label)
_metering_rules = types.SimpleNamespace(
    get=metering.get_rule, get_row=metering.get_rule_row, get_all=metering.get_rules,
    create=metering.create_rule, update=None, delete=metering.delete_rule)

_qos_rules = types.SimpleNamespace(
    get=qos.get_rule, get_row=qos.get_rule_row, get_all=qos.get_rules,
    create=qos.create_rule, update=qos.update_rule, delete=qos.delete_rule)

RESOURCES = {
    'network': networks, 'subnet': subnets, 'subnetpool': subnetpools, 'port': ports,
    'router': routers, 'floatingip': floatingips, 'security_group': securitygroups,
    'security_group_rule': _rules, 'agent': _agents,
    'metering_label': _metering_labels, 'metering_label_rule': _metering_rules,
    'rbac_policy': rbac, 'address_scope': addressscopes,
    'policy': qos, 'qos_rule': _qos_rules,
}
