"""Networks and their segments."""

from oslo_utils import uuidutils
import sqlalchemy as sa

from services.network import exception
from services.network.conductor import queries
from services.network.conductor import qos
from services.network.conductor import quotas
from services.network.conductor import rbac
from services.network.conductor import segments
from services.network.db import models

PROVIDER_KEYS = ('provider:network_type', 'provider:physical_network',
                 'provider:segmentation_id')
COLUMNS = queries.standard_columns(
    models.Network, 'status', 'admin_state_up', 'shared', 'mtu', 'is_default',
    'port_security_enabled')
COLUMNS['router:external'] = models.Network.external
# Internal device owners whose ports go away with their network.
AUTO_DELETE_OWNERS = ('network:dhcp',)


def auto_deleted(net, port):
    """Whether ``port`` is the network's own service port (DHCP), which goes
    away with it; another project's port is never one, whatever its owner."""
    return (port.device_owner in AUTO_DELETE_OWNERS
            and port.project_id in (net.project_id, ''))


def make_dict(net):
    result = queries.standard_dict(net)
    segment = segments.segment_dict(net.segments[0]) if len(net.segments) == 1 else {}
    result.update({
        'name': net.name, 'status': net.status, 'admin_state_up': net.admin_state_up,
        'shared': net.shared, 'router:external': net.external, 'mtu': net.mtu,
        'port_security_enabled': net.port_security_enabled, 'is_default': net.is_default,
        'subnets': sorted(s.id for s in net.subnets),
        'availability_zone_hints': [], 'availability_zones': ['nova'],
        'ipv4_address_scope': None, 'ipv6_address_scope': None,
        'l2_adjacency': True, 'qos_policy_id': net.qos_policy_id,
        'provider:network_type': segment.get('network_type'),
        'provider:physical_network': segment.get('physical_network'),
        'provider:segmentation_id': segment.get('segmentation_id'),
    })
    if len(net.segments) > 1:
        # Several segments (``segment``): shown as multi-provider's list.
        result['segments'] = [
            {'provider:%s' % k: v for k, v in segments.segment_dict(s).items()}
            for s in net.segments]
    return result


def _shared_with(context):
    """Another project's network shows when shared, external, or shared with
    (or offered as external to) the caller's project by an RBAC policy."""
    return sa.or_(models.Network.shared.is_(True), models.Network.external.is_(True),
                  models.Network.id.in_(rbac.granted(context.project_id)))


def _as_seen_by(context, session, items):
    """A network shared with (or external to) the caller by an RBAC policy
    shows ``shared`` (``router:external``) true to it, as neutron shows it."""
    others = [i['id'] for i in items if i['project_id'] != context.project_id
              and not (i['shared'] and i['router:external'])]
    grants = rbac.grants_for(session, context.project_id, others)
    for item in items:
        actions = grants.get(item['id'], ())
        if rbac.SHARED in actions:
            item['shared'] = True
        if rbac.EXTERNAL in actions:
            item['router:external'] = True
    return items


NETWORKS = queries.Visible(models.Network, lambda i: exception.NetworkNotFound(net_id=i),
                           make_dict, COLUMNS, shared=_shared_with, seen_by=_as_seen_by)
# The provider:* filters match the network's segment.
SEGMENT_FILTERS = {'provider:network_type': models.NetworkSegment.network_type,
                   'provider:physical_network': models.NetworkSegment.physical_network,
                   'provider:segmentation_id': models.NetworkSegment.segmentation_id}


def get_all(context, session, filters=None, **page):
    filters = dict(filters or {})
    query = NETWORKS.query(context, session)
    wanted = {k: filters.pop(k) for k in list(filters) if k in SEGMENT_FILTERS}
    if wanted:
        query = queries.apply_filters(query.join(models.NetworkSegment), SEGMENT_FILTERS,
                                      wanted)
    return NETWORKS.get_all(context, session, filters, query=query, **page)


def create(context, session, body):
    project_id = queries.new_project(context, body)
    quotas.check(session, project_id, 'network')
    if any(body.get(k) is not None for k in PROVIDER_KEYS):
        if not body.get('provider:network_type'):
            raise exception.InvalidInput(error_message='network_type required')
        segment = segments.complete_provider_segment(session,
                                                     segments.validate_provider(body))
    else:
        segment = segments.allocate_project_segment(session)
    mtu = segments.network_mtu(segment['network_type'])
    if body.get('mtu'):
        if body['mtu'] > mtu:
            raise exception.InvalidInput(
                error_message='Requested MTU is too big, maximum is %d' % mtu)
        mtu = body['mtu']
    external = body.get('router:external', False)
    is_default = bool(body.get('is_default', False)) and external
    if is_default:
        check_one_default(session)
    net = models.Network(
        id=uuidutils.generate_uuid(), project_id=project_id, name=body.get('name', ''),
        description=body.get('description', ''),
        admin_state_up=body.get('admin_state_up', True), shared=body.get('shared', False),
        external=external, is_default=is_default,
        mtu=mtu, port_security_enabled=body.get('port_security_enabled', True),
        qos_policy_id=qos.check_attach(context, session, body.get('qos_policy_id'),
                                       project_id),
        revision_number=1)
    net.segments.append(models.NetworkSegment(
        id=uuidutils.generate_uuid(), network_type=segment['network_type'],
        physical_network=segment['physical_network'] or '',
        segmentation_id=segment['segmentation_id'] or 0))
    session.add(net)
    session.flush()
    rbac.sync_wildcards(session, net)
    session.flush()
    return make_dict(net)


def check_one_default(session, network_id=None):
    other = session.query(models.Network.id).filter(
        models.Network.is_default.is_(True), models.Network.external.is_(True),
        models.Network.id != network_id).first()
    if other:
        raise exception.DefaultExternalNetworkExists(net_id=network_id or 'new',
                                                     other_id=other[0])


def default_external(session):
    return session.query(models.Network).filter(models.Network.is_default.is_(True),
                                                models.Network.external.is_(True)).first()


def update(context, session, network_id, body):
    net = NETWORKS.get_row(context, session, network_id)
    if any(k in body for k in PROVIDER_KEYS):
        raise exception.InvalidInput(
            error_message='Plugin does not support updating provider attributes')
    values = {}
    if 'qos_policy_id' in body:
        values['qos_policy_id'] = qos.check_attach(context, session, body['qos_policy_id'],
                                                   net.project_id)
    for key in ('name', 'description', 'admin_state_up', 'shared', 'mtu',
                'port_security_enabled', 'is_default'):
        if key in body:
            values[key] = body[key]
    if 'router:external' in body:
        if not body['router:external'] and net.external:
            in_use = session.query(models.Router.id).join(
                models.Port, models.Router.gw_port_id == models.Port.id).filter(
                models.Port.network_id == net.id).first()
            if in_use:
                raise exception.ExternalNetworkInUse(
                    reason='External network %s cannot be updated to be internal: '
                           'router gateways use it' % net.id)
        values['external'] = body['router:external']
    # Only an external network is the default one (auto-allocated topology), and one at most.
    if not values.get('external', net.external):
        values['is_default'] = False
    elif values.get('is_default') and not net.is_default:
        check_one_default(session, net.id)
    if 'mtu' in values and values['mtu'] > segments.network_mtu(net.segments[0].network_type):
        raise exception.InvalidInput(error_message='Requested MTU is too big')
    if values.get('shared') is False and net.shared:
        foreign = session.query(models.Port.id).filter(
            models.Port.network_id == net.id,
            models.Port.project_id.notin_([net.project_id, '']),
            models.Port.project_id.notin_(sa.select(models.NetworkRBAC.target_project).where(
                models.NetworkRBAC.object_id == net.id,
                models.NetworkRBAC.action == rbac.SHARED,
                models.NetworkRBAC.target_project != rbac.WILDCARD))).first()
        if foreign:
            raise exception.InvalidInput(
                error_message='Unable to reconfigure sharing settings for network %s. '
                              'Multiple tenants are using it.' % net.id)
    queries.bump(net, values)
    session.flush()
    rbac.sync_wildcards(session, net)
    session.flush()
    return make_dict(net)


def delete(context, session, network_id):
    net = NETWORKS.get_row(context, session, network_id)
    ports = session.query(models.Port).filter_by(network_id=net.id).all()
    fips = session.query(models.FloatingIP).filter_by(floating_network_id=net.id).all()
    fip_ports = {fip.floating_port_id for fip in fips}
    # Floating IPs of an external network go with it, as in neutron (an
    # associated one's router has its gateway there, which keeps the network).
    if not all(auto_deleted(net, port) or port.id in fip_ports for port in ports):
        raise exception.NetworkInUse(net_id=net.id)
    purged = [fip.id for fip in fips]
    for fip in fips:
        session.delete(fip)
    session.flush()
    purged += [port.id for port in ports]
    for port in ports:
        session.delete(port)
    session.flush()
    for subnet in session.query(models.Subnet).filter_by(network_id=net.id):
        purged.append(subnet.id)
        session.delete(subnet)
    session.flush()
    session.delete(net)
    # The tags of the subnets and service ports that went with it go too.
    return {'id': network_id, '_purged': purged}
