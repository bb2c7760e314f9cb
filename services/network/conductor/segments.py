"""ML2-like type drivers: flat, vlan and vxlan segment validation and allocation.

A segment row's unique key ``(network_type, physical_network,
segmentation_id)`` is the allocation: two conductors choosing the same VLAN
or VNI collide on insert and the loser picks again, so no in-memory lock is
needed.
"""

import random

from oslo_config import cfg

from services.network import exception
from services.network.db import models

CONF = cfg.CONF
VLAN_MIN, VLAN_MAX = 1, 4094
VNI_MIN, VNI_MAX = 1, 2 ** 24 - 1
VXLAN_OVERHEAD = 50


def vlan_ranges():
    """``{physnet: [(min, max), ...]}`` from ``[ml2] network_vlan_ranges``."""
    ranges = {}
    for entry in CONF.ml2.network_vlan_ranges:
        parts = entry.strip().split(':')
        physnet = parts[0]
        ranges.setdefault(physnet, [])
        if len(parts) == 3:
            ranges[physnet].append((int(parts[1]), int(parts[2])))
    return ranges


def vni_ranges():
    out = []
    for entry in CONF.ml2.vni_ranges:
        low, high = entry.split(':')
        out.append((int(low), int(high)))
    return out


def network_mtu(network_type):
    mtu = CONF.ml2.path_mtu
    return mtu - VXLAN_OVERHEAD if network_type == 'vxlan' else mtu


def validate_provider(attrs):
    """Check explicit ``provider:*`` attributes; returns the segment dict."""
    network_type = attrs.get('provider:network_type')
    physnet = attrs.get('provider:physical_network')
    seg_id = attrs.get('provider:segmentation_id')
    if network_type not in CONF.ml2.type_drivers:
        raise exception.InvalidInput(
            error_message='network_type value %s not supported' % network_type)
    if network_type == 'flat':
        if seg_id is not None:
            raise exception.InvalidInput(
                error_message='segmentation_id prohibited for flat provider network')
        if not physnet:
            raise exception.InvalidInput(
                error_message='physical_network required for flat provider network')
        allowed = CONF.ml2.flat_networks
        if '*' not in allowed and physnet not in allowed:
            raise exception.InvalidInput(
                error_message='physical_network %s unknown for flat provider network'
                % physnet)
    elif network_type == 'vlan':
        if not physnet:
            raise exception.InvalidInput(
                error_message='physical_network required for VLAN provider network')
        if seg_id is not None and not VLAN_MIN <= seg_id <= VLAN_MAX:
            raise exception.InvalidInput(
                error_message='segmentation_id out of range (%d through %d)'
                % (VLAN_MIN, VLAN_MAX))
    elif network_type == 'vxlan':
        if physnet:
            raise exception.InvalidInput(
                error_message='provider:physical_network specified for vxlan network')
        if seg_id is not None and not VNI_MIN <= seg_id <= VNI_MAX:
            raise exception.InvalidInput(
                error_message='segmentation_id out of range (%d through %d)'
                % (VNI_MIN, VNI_MAX))
    return {'network_type': network_type, 'physical_network': physnet or '',
            'segmentation_id': seg_id}


def _taken(session, network_type, physnet):
    rows = session.query(models.NetworkSegment.segmentation_id).filter_by(
        network_type=network_type, physical_network=physnet)
    return {r[0] for r in rows}


def _pick(ranges, taken):
    """A random free id from ``ranges`` (random spreads concurrent writers)."""
    candidates = []
    for low, high in ranges:
        for value in range(low, high + 1):
            if value not in taken:
                candidates.append(value)
                if len(candidates) >= 64:
                    return random.choice(candidates)
    return random.choice(candidates) if candidates else None


def allocate_project_segment(session):
    """A segment for a project network, by ``tenant_network_types`` order."""
    for network_type in CONF.ml2.tenant_network_types:
        if network_type == 'vxlan':
            seg_id = _pick(vni_ranges(), _taken(session, 'vxlan', ''))
            if seg_id is not None:
                return {'network_type': 'vxlan', 'physical_network': '',
                        'segmentation_id': seg_id}
        elif network_type == 'vlan':
            for physnet, ranges in vlan_ranges().items():
                seg_id = _pick(ranges, _taken(session, 'vlan', physnet))
                if seg_id is not None:
                    return {'network_type': 'vlan', 'physical_network': physnet,
                            'segmentation_id': seg_id}
    raise exception.NoNetworkAvailable()


def complete_provider_segment(session, segment):
    """Fill in a VLAN/VXLAN id the admin left out and check the choice is free."""
    network_type = segment['network_type']
    physnet = segment['physical_network']
    if segment['segmentation_id'] is None and network_type != 'flat':
        ranges = (vni_ranges() if network_type == 'vxlan'
                  else vlan_ranges().get(physnet) or [(VLAN_MIN, VLAN_MAX)])
        segment['segmentation_id'] = _pick(ranges, _taken(session, network_type, physnet))
        if segment['segmentation_id'] is None:
            raise exception.NoNetworkAvailable()
    seg_id = segment['segmentation_id'] or 0
    clash = session.query(models.NetworkSegment.id).filter_by(
        network_type=network_type, physical_network=physnet,
        segmentation_id=seg_id).first()
    if clash:
        if network_type == 'flat':
            raise exception.FlatNetworkInUse(physical_network=physnet)
        raise exception.SegmentationIdInUse(network_type=network_type,
                                            segmentation_id=seg_id,
                                            physical_network=physnet or None)
    return segment


def segment_dict(segment):
    return {'network_type': segment.network_type,
            'physical_network': segment.physical_network or None,
            'segmentation_id': (segment.segmentation_id
                                if segment.network_type != 'flat' else None)}
