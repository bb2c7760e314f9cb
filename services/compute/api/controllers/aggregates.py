"""/os-aggregates: host aggregates with metadata; ``availability_zone`` makes an AZ."""

from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.objects import aggregate as agg_obj
from services.compute.objects import service as service_obj

_name = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_create_schema = {
    'type': 'object',
    'properties': {'aggregate': {
        'type': 'object',
        'properties': {'name': _name,
                       'availability_zone': {'type': ['string', 'null'], 'minLength': 1,
                                             'maxLength': 255}},
        'required': ['name'], 'additionalProperties': False}},
    'required': ['aggregate'], 'additionalProperties': False,
}
_update_schema = {
    'type': 'object',
    'properties': {'aggregate': {
        'type': 'object',
        'properties': {'name': _name,
                       'availability_zone': {'type': ['string', 'null'], 'minLength': 1,
                                             'maxLength': 255}},
        'additionalProperties': False, 'minProperties': 1}},
    'required': ['aggregate'], 'additionalProperties': False,
}

_host = {'type': 'object',
         'properties': {'host': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
         'required': ['host'], 'additionalProperties': False}
_metadata = {'type': 'object',
             'properties': {'metadata': {
                 'type': 'object',
                 'patternProperties': {r'^[\w\-:. ]{1,255}$': {
                     'type': ['string', 'null'], 'maxLength': 255}},
                 'additionalProperties': False}},
             'required': ['metadata'], 'additionalProperties': False}
_ACTION_SCHEMAS = {
    name: {'type': 'object', 'properties': {name: schema}, 'required': [name],
           'additionalProperties': False}
    for name, schema in (('add_host', _host), ('remove_host', _host),
                         ('set_metadata', _metadata))}


def register(r):
    r.add('GET', '/os-aggregates', index)
    r.add('POST', '/os-aggregates', create)
    r.add('GET', '/os-aggregates/{aggregate_id}', show)
    r.add('PUT', '/os-aggregates/{aggregate_id}', update)
    r.add('DELETE', '/os-aggregates/{aggregate_id}', delete)
    r.add('POST', '/os-aggregates/{aggregate_id}/action', action)


def _view(req, agg):
    body = {'id': agg.id, 'name': agg.name,
            'availability_zone': agg.metadata.get('availability_zone'),
            'hosts': list(agg.hosts), 'metadata': dict(agg.metadata),
            'created_at': common.isotime(agg.created_at).rstrip('Z'),
            'updated_at': common.isotime(agg.updated_at).rstrip('Z') if agg.updated_at
            else None, 'deleted': False, 'deleted_at': None}
    if req.at_least(41):
        body['uuid'] = agg.uuid
    return {'aggregate': body}


def _authorize(req, operation):
    policies.authorize(req.context, 'os-aggregates:' + operation)


def index(req):
    _authorize(req, 'index')
    return {'aggregates': [_view(req, a)['aggregate']
                           for a in agg_obj.AggregateList.get_all(req.context)]}


def _check_zone_conflict(req, agg, zone, hosts):
    """A host may belong to only one availability zone."""
    if not zone:
        return
    for other in agg_obj.AggregateList.get_all(req.context):
        other_zone = other.metadata.get('availability_zone')
        if other.id != agg.id and other_zone and other_zone != zone and \
                set(other.hosts) & set(hosts):
            raise exception.Invalid(reason='Cannot add host to aggregate %s. Reason: One or '
                                           'more hosts already in availability zone(s) %s.'
                                    % (agg.id, other_zone))


def create(req):
    _authorize(req, 'create')
    body = common.validate(_create_schema, req.body)['aggregate']
    metadata = {}
    if body.get('availability_zone'):
        metadata['availability_zone'] = body['availability_zone']
    agg = agg_obj.Aggregate(req.context, name=body['name'], metadata=metadata, hosts=[])
    agg.create()
    # As nova: the new aggregate is shown without its (empty) hosts and metadata.
    body = _view(req, agg)
    del body['aggregate']['hosts'], body['aggregate']['metadata']
    return body


def show(req, aggregate_id):
    _authorize(req, 'show')
    return _view(req, agg_obj.Aggregate.get_by_id(req.context, aggregate_id))


def update(req, aggregate_id):
    _authorize(req, 'update')
    body = common.validate(_update_schema, req.body)['aggregate']
    agg = agg_obj.Aggregate.get_by_id(req.context, aggregate_id)
    if 'name' in body:
        agg.name = body['name']
    if 'availability_zone' in body:
        metadata = dict(agg.metadata)
        if body['availability_zone']:
            _check_zone_conflict(req, agg, body['availability_zone'], agg.hosts)
            metadata['availability_zone'] = body['availability_zone']
        else:
            metadata.pop('availability_zone', None)
        agg.metadata = metadata
    agg.save()
    return _view(req, agg)


def delete(req, aggregate_id):
    _authorize(req, 'delete')
    agg_obj.Aggregate.get_by_id(req.context, aggregate_id).destroy()
    return router.Response(None, 200)


def action(req, aggregate_id):
    body = req.body
    name = next(iter(body)) if isinstance(body, dict) and len(body) == 1 else None
    if name not in _ACTION_SCHEMAS:
        _authorize(req, 'set_metadata')
        raise exception.Invalid(reason='Invalid aggregate action %s' % (name or '')[:255])
    _authorize(req, name)
    args = common.validate(_ACTION_SCHEMAS[name], body)[name]
    agg = agg_obj.Aggregate.get_by_id(req.context, aggregate_id)
    if name in ('add_host', 'remove_host'):
        host = args['host']
        if name == 'add_host':
            if not service_obj.ServiceList.get_all(req.context, binary=service_obj.COMPUTE,
                                                   host=host).objects:
                raise exception.ComputeHostNotFound(host=host)
            if host in agg.hosts:
                raise exception.AggregateHostExists(aggregate_id=agg.id, host=host)
            _check_zone_conflict(req, agg, agg.metadata.get('availability_zone'), [host])
            agg.hosts = list(agg.hosts) + [host]
        else:
            if host not in agg.hosts:
                raise exception.AggregateHostNotFound(aggregate_id=agg.id, host=host)
            agg.hosts = [h for h in agg.hosts if h != host]
    else:
        metadata = args['metadata']
        merged = dict(agg.metadata)
        for key, value in metadata.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = str(value)
        if merged.get('availability_zone') != agg.metadata.get('availability_zone'):
            _check_zone_conflict(req, agg, merged.get('availability_zone'), agg.hosts)
        agg.metadata = merged
    agg.save()
    return _view(req, agg)
