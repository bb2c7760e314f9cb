"""Segments (``segment``): a network's L2 segments as a resource of their own.

A network is made with one segment (its ``provider:*`` attributes); an admin
adds more on ``POST /v2.0/segments`` (same type-driver checks and allocation
as provider networks) and the network then lists them under ``segments``
(multi-provider) instead of ``provider:*``. Only ``name`` and ``description``
change afterwards. A network keeps at least one segment; the agents wire the
first one.
"""

from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import networks
from services.network.conductor import queries
from services.network.conductor import segments
from services.network.db import models

_Segment = models.NetworkSegment
COLUMNS = {'id': _Segment.id, 'network_id': _Segment.network_id, 'name': _Segment.name,
           'description': _Segment.description, 'network_type': _Segment.network_type,
           'physical_network': _Segment.physical_network,
           'segmentation_id': _Segment.segmentation_id, 'created_at': _Segment.created_at,
           'updated_at': _Segment.updated_at, 'revision_number': _Segment.revision_number}


def make_dict(segment):
    result = segments.segment_dict(segment)
    result.update({'id': segment.id, 'network_id': segment.network_id, 'name': segment.name,
                   'description': segment.description,
                   'created_at': queries.iso(segment.created_at),
                   'updated_at': queries.iso(segment.updated_at),
                   'revision_number': segment.revision_number})
    return result


# A segment is found where its network is (the API's policy admits admins).
SEGMENTS = queries.Visible(_Segment, lambda i: exception.SegmentNotFound(segment_id=i),
                           make_dict, COLUMNS, through=(_Segment.network_id,
                                                        networks.NETWORKS))


def create(context, session, body):
    net = networks.NETWORKS.get_row(context, session, body['network_id'])
    wanted = {'provider:network_type': body.get('network_type'),
              'provider:physical_network': body.get('physical_network'),
              'provider:segmentation_id': body.get('segmentation_id')}
    segment = segments.complete_provider_segment(session,
                                                 segments.validate_provider(wanted))
    index = max((s.segment_index for s in net.segments), default=-1) + 1
    row = _Segment(id=uuidutils.generate_uuid(), network_id=net.id,
                   network_type=segment['network_type'],
                   physical_network=segment['physical_network'] or '',
                   segmentation_id=segment['segmentation_id'] or 0, segment_index=index,
                   name=body.get('name') or '', description=body.get('description') or '',
                   revision_number=0)
    session.add(row)
    net.revision_number += 1
    session.flush()
    return make_dict(row)


def update(context, session, segment_id, body):
    row = SEGMENTS.get_row(context, session, segment_id)
    queries.bump(row, {k: body[k] or '' for k in ('name', 'description') if k in body})
    session.flush()
    return make_dict(row)


def delete(context, session, segment_id):
    row = SEGMENTS.get_row(context, session, segment_id)
    others = session.query(_Segment.id).filter(_Segment.network_id == row.network_id,
                                               _Segment.id != row.id).count()
    if not others:
        raise exception.SegmentInUse(segment_id=row.id,
                                     reason="it is network %s's only segment"
                                     % row.network_id)
    net = session.get(models.Network, row.network_id)
    net.segments.remove(row)
    net.revision_number += 1
    session.flush()
    return {'id': segment_id, 'network_id': net.id}
