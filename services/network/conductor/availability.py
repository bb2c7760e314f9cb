"""Network IP availability: total and used addresses per network and subnet."""

from services.network import exception
from services.network.conductor import ipam
from services.network.conductor import queries
from services.network.db import models


def _network_dict(session, net):
    subnets = []
    total = used = 0
    for subnet in net.subnets:
        subnet_total, subnet_used = ipam.usage(session, subnet)
        total += subnet_total
        used += subnet_used
        subnets.append({'subnet_id': subnet.id, 'subnet_name': subnet.name,
                        'cidr': subnet.cidr, 'ip_version': subnet.ip_version,
                        'total_ips': subnet_total, 'used_ips': subnet_used})
    return {'network_id': net.id, 'network_name': net.name, 'project_id': net.project_id,
            'tenant_id': net.project_id, 'subnet_ip_availability': subnets,
            'total_ips': total, 'used_ips': used}


# Every network, whatever its project: the API admits only admins
# (get_network_ip_availability).
NETWORKS = queries.Visible(models.Network, lambda i: exception.NetworkNotFound(net_id=i),
                           unscoped=True)


def get(context, session, network_id):
    return _network_dict(session, NETWORKS.get_row(context, session, network_id))


def get_all(context, session, filters=None):
    query = session.query(models.Network)
    filters = filters or {}
    for key, column in (('network_id', models.Network.id),
                        ('network_name', models.Network.name),
                        ('project_id', models.Network.project_id),
                        ('tenant_id', models.Network.project_id)):
        if key in filters:
            query = query.filter(column.in_(filters[key]))
    result = [_network_dict(session, net) for net in query.order_by(models.Network.id)]
    if 'ip_version' in filters:
        versions = set(filters['ip_version'])
        result = [n for n in result
                  if any(str(s['ip_version']) in versions
                         for s in n['subnet_ip_availability'])]
    return result
