"""Subnet pools and prefix allocation from them."""

import netaddr
from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import addressscopes
from services.network.conductor import queries
from services.network.conductor import quotas
from services.network.db import models

COLUMNS = queries.standard_columns(models.SubnetPool, 'ip_version', 'default_prefixlen',
                                   'min_prefixlen', 'max_prefixlen', 'shared', 'is_default',
                                   'address_scope_id')


def make_dict(pool):
    result = queries.standard_dict(pool)
    result.update({
        'name': pool.name, 'ip_version': pool.ip_version,
        'prefixes': sorted(p.cidr for p in pool.prefixes),
        'default_prefixlen': pool.default_prefixlen, 'min_prefixlen': pool.min_prefixlen,
        'max_prefixlen': pool.max_prefixlen, 'shared': pool.shared,
        'is_default': pool.is_default, 'default_quota': pool.default_quota,
        'address_scope_id': pool.address_scope_id,
    })
    return result


POOLS = queries.Visible(
    models.SubnetPool, lambda i: exception.SubnetPoolNotFound(subnetpool_id=i), make_dict,
    COLUMNS, shared=models.SubnetPool.shared.is_(True))


def _prefixes(values):
    nets = []
    for value in values or []:
        try:
            nets.append(netaddr.IPNetwork(value).cidr)
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise exception.InvalidCIDR(input=value)
    if not nets:
        raise exception.InvalidInput(error_message='a subnet pool needs prefixes')
    if len({n.version for n in nets}) > 1:
        raise exception.InvalidInput(error_message='Cannot mix IPv4 and IPv6 prefixes')
    return netaddr.cidr_merge(nets)


def _lengths(body, version, pool=None):
    max_len = 32 if version == 4 else 128
    min_prefixlen = int(body.get('min_prefixlen', pool.min_prefixlen if pool else 8))
    max_prefixlen = int(body.get('max_prefixlen', pool.max_prefixlen if pool else max_len))
    default = int(body.get('default_prefixlen',
                           pool.default_prefixlen if pool else min_prefixlen))
    if not 0 <= min_prefixlen <= default <= max_prefixlen <= max_len:
        raise exception.InvalidInput(error_message='Illegal prefix bounds: min %s, default '
                                     '%s, max %s' % (min_prefixlen, default, max_prefixlen))
    return min_prefixlen, default, max_prefixlen


def create(context, session, body):
    project_id = queries.new_project(context, body)
    quotas.check(session, project_id, 'subnetpool')
    prefixes = _prefixes(body.get('prefixes'))
    version = prefixes[0].version
    min_len, default_len, max_len = _lengths(body, version)
    addressscopes.check_pool_scope(context, session, body.get('address_scope_id'), version,
                                   project_id)
    pool = models.SubnetPool(
        id=uuidutils.generate_uuid(), project_id=project_id, name=body.get('name', ''),
        description=body.get('description', ''), ip_version=version,
        default_prefixlen=default_len, min_prefixlen=min_len, max_prefixlen=max_len,
        shared=body.get('shared', False), is_default=body.get('is_default', False),
        default_quota=body.get('default_quota'),
        address_scope_id=body.get('address_scope_id'), revision_number=1)
    pool.prefixes = [models.SubnetPoolPrefix(cidr=str(p)) for p in prefixes]
    session.add(pool)
    session.flush()
    return make_dict(pool)


def update(context, session, pool_id, body):
    pool = POOLS.get_row(context, session, pool_id)
    values = {k: body[k] for k in ('name', 'description', 'is_default', 'default_quota',
                                   'address_scope_id') if k in body}
    if body.get('address_scope_id'):
        addressscopes.check_pool_scope(context, session, body['address_scope_id'],
                                       pool.ip_version, pool.project_id)
    if any(k in body for k in ('min_prefixlen', 'default_prefixlen', 'max_prefixlen')):
        (values['min_prefixlen'], values['default_prefixlen'],
         values['max_prefixlen']) = _lengths(body, pool.ip_version, pool)
    if 'prefixes' in body:
        new = _prefixes(body['prefixes'])
        old = netaddr.IPSet(p.cidr for p in pool.prefixes)
        if not old.issubset(netaddr.IPSet(new)):
            raise exception.InvalidInput(error_message='Existing prefixes must be a subset '
                                         'of the new prefixes')
        pool.prefixes = [models.SubnetPoolPrefix(cidr=str(p)) for p in new]
        values['revision_number'] = pool.revision_number
    queries.bump(pool, values)
    session.flush()
    return make_dict(pool)


def delete(context, session, pool_id):
    pool = POOLS.get_row(context, session, pool_id)
    if session.query(models.Subnet.id).filter_by(subnetpool_id=pool.id).first():
        raise exception.Conflict(reason='Subnet pool %s has subnets allocated from it'
                                 % pool.id)
    session.delete(pool)
    return {'id': pool_id}


def default_pool(session, ip_version):
    return session.query(models.SubnetPool).filter_by(
        is_default=True, ip_version=ip_version).first()


def allocate_prefix(session, pool, cidr=None, prefixlen=None):
    """A CIDR from ``pool``: the requested one if free, else the first free of
    ``prefixlen`` (default: the pool's default)."""
    used = netaddr.IPSet(s.cidr for s in session.query(models.Subnet).filter_by(
        subnetpool_id=pool.id))
    available = netaddr.IPSet(p.cidr for p in pool.prefixes) - used
    if cidr is not None:
        net = netaddr.IPNetwork(cidr)
        if not pool.min_prefixlen <= net.prefixlen <= pool.max_prefixlen:
            raise exception.SubnetAllocationError(
                reason='prefix length %d outside the pool bounds' % net.prefixlen)
        if not netaddr.IPSet(net).issubset(available):
            raise exception.SubnetAllocationError(
                reason='%s is not available in subnet pool %s' % (cidr, pool.id))
        return str(net)
    prefixlen = int(prefixlen or pool.default_prefixlen)
    if not pool.min_prefixlen <= prefixlen <= pool.max_prefixlen:
        raise exception.SubnetAllocationError(
            reason='prefix length %d outside the pool bounds' % prefixlen)
    for block in available.iter_cidrs():
        if block.prefixlen <= prefixlen:
            return str(next(block.subnet(prefixlen)))
    raise exception.SubnetAllocationError(
        reason='no free /%d prefix in subnet pool %s' % (prefixlen, pool.id))
