"""The resources the conductor serves by name: the generic RPC's table.

The API sends ``get_resource`` / ``list_resources[_compact]`` /
``create_resource`` / ``update_resource`` / ``delete_resource`` and
``update_tags`` with a resource name; :data:`RESOURCES` says which functions
serve each name. A verb a resource does not take is ``None`` (the manager
answers 400). The contract (docs/architecture.md, "Service skeleton") is
pinned by tests/unit/network/test_resource_contract.py.

Arguments, after ``(context, session)``: ``get(resource_id)``,
``get_all(filters, sorts=, limit=, marker=, page_reverse=)``,
``create(body)``, ``update(resource_id, body)``, ``delete(resource_id)``;
``get_columns(filters, fields=, **page)`` gives a listing column by column
(the hot path: ports). ``rows.get_row`` finds the row ``update_tags`` tags.
"""

import dataclasses
from collections.abc import Callable

from services.network.conductor import addressscopes
from services.network.conductor import agents
from services.network.conductor import floatingips
from services.network.conductor import metering
from services.network.conductor import networks
from services.network.conductor import networksegments
from services.network.conductor import ports
from services.network.conductor import qos
from services.network.conductor import queries
from services.network.conductor import rbac
from services.network.conductor import routers
from services.network.conductor import securitygroups
from services.network.conductor import subnetpools
from services.network.conductor import subnets
from services.network.conductor import trunks


@dataclasses.dataclass(frozen=True)
class Resource:
    """One name of the generic RPC: the rows it reads and its verbs."""

    rows: queries.Visible
    create: Callable | None
    update: Callable | None
    delete: Callable | None
    get_all: Callable | None = None
    get_columns: Callable | None = None

    def get(self, context, session, resource_id):
        return self.rows.get(context, session, resource_id)

    def list(self, context, session, filters=None, **page):
        return (self.get_all or self.rows.get_all)(context, session, filters, **page)


RESOURCES = {
    'network': Resource(networks.NETWORKS, networks.create, networks.update, networks.delete,
                        get_all=networks.get_all),
    'subnet': Resource(subnets.SUBNETS, subnets.create, subnets.update, subnets.delete),
    'subnetpool': Resource(subnetpools.POOLS, subnetpools.create, subnetpools.update,
                           subnetpools.delete),
    'port': Resource(ports.PORTS, ports.create, ports.update, ports.delete,
                     get_all=ports.get_all, get_columns=ports.get_columns),
    'router': Resource(routers.ROUTERS, routers.create, routers.update, routers.delete),
    'floatingip': Resource(floatingips.FLOATINGIPS, floatingips.create, floatingips.update,
                           floatingips.delete),
    'security_group': Resource(securitygroups.GROUPS, securitygroups.create,
                               securitygroups.update, securitygroups.delete,
                               get_all=securitygroups.get_all),
    'security_group_rule': Resource(securitygroups.RULES, securitygroups.create_rule, None,
                                    securitygroups.delete_rule),
    'agent': Resource(agents.AGENTS, None, agents.update, agents.delete,
                      get_all=agents.get_all),
    'metering_label': Resource(metering.LABELS, metering.create_label, None,
                               metering.delete_label),
    'metering_label_rule': Resource(metering.RULES, metering.create_rule, None,
                                    metering.delete_rule),
    'rbac_policy': Resource(rbac.POLICIES, rbac.create, rbac.update, rbac.delete,
                            get_all=rbac.get_all),
    'address_scope': Resource(addressscopes.SCOPES, addressscopes.create,
                              addressscopes.update, addressscopes.delete),
    'policy': Resource(qos.POLICIES, qos.create, qos.update, qos.delete),
    'qos_rule': Resource(qos.RULES, qos.create_rule, qos.update_rule, qos.delete_rule),
    'trunk': Resource(trunks.TRUNKS, trunks.create, trunks.update, trunks.delete),
    'segment': Resource(networksegments.SEGMENTS, networksegments.create,
                        networksegments.update, networksegments.delete),
}
