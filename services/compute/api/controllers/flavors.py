"""/flavors, extra specs and private-flavor access."""

from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.objects import flavor as flavor_obj

_create_schema = {
    'type': 'object',
    'properties': {'flavor': {
        'type': 'object',
        'properties': {
            'name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                     'pattern': r'^(?!\s)[\S\s]*(?<!\s)$'},
            'id': {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255,
                   'pattern': r'^[\w\.\- ]*$'},
            'ram': {'type': ['integer', 'string'], 'pattern': '^[0-9]+$', 'minimum': 1},
            'vcpus': {'type': ['integer', 'string'], 'pattern': '^[0-9]+$', 'minimum': 1},
            'disk': {'type': ['integer', 'string'], 'pattern': '^[0-9]+$', 'minimum': 0},
            'OS-FLV-EXT-DATA:ephemeral': {'type': ['integer', 'string'],
                                          'pattern': '^[0-9]+$', 'minimum': 0},
            'swap': {'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 0},
            'rxtx_factor': {'type': ['number', 'string'], 'minimum': 0},
            'os-flavor-access:is_public': {'type': ['boolean', 'string']},
        },
        'required': ['name', 'ram', 'vcpus', 'disk'],
        'additionalProperties': False}},
    'required': ['flavor'],
    'additionalProperties': False,
}
_extra_specs_schema = {
    'type': 'object',
    'properties': {'extra_specs': {
        'type': 'object',
        'patternProperties': {r'^[\w\-\.: ]{1,255}$': {
            'type': ['string', 'number', 'boolean'], 'maxLength': 255}},
        'additionalProperties': False}},
    'required': ['extra_specs'],
    'additionalProperties': False,
}
_access_schema = {'type': 'object', 'properties': {'tenant': {'type': 'string',
                                                              'minLength': 1}},
                  'required': ['tenant']}


def register(r):
    r.add('GET', '/flavors', index)
    r.add('GET', '/flavors/detail', detail)
    r.add('POST', '/flavors', create)
    r.add('GET', '/flavors/{flavor_id}', show)
    r.add('DELETE', '/flavors/{flavor_id}', delete)
    r.add('POST', '/flavors/{flavor_id}/action', action)
    r.add('GET', '/flavors/{flavor_id}/os-flavor-access', list_access)
    r.add('GET', '/flavors/{flavor_id}/os-extra_specs', list_specs)
    r.add('POST', '/flavors/{flavor_id}/os-extra_specs', add_specs)
    r.add('GET', '/flavors/{flavor_id}/os-extra_specs/{key}', show_spec)
    r.add('PUT', '/flavors/{flavor_id}/os-extra_specs/{key}', set_spec)
    r.add('DELETE', '/flavors/{flavor_id}/os-extra_specs/{key}', delete_spec)


def view(req, flavor, detailed=True):
    body = {'id': flavor.flavorid, 'name': flavor.name,
            'links': common.link(req, 'flavors', flavor.flavorid)}
    if detailed:
        body.update({'ram': flavor.memory_mb, 'disk': flavor.root_gb, 'vcpus': flavor.vcpus,
                     'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral_gb,
                     'OS-FLV-DISABLED:disabled': flavor.disabled,
                     'swap': flavor.swap or '', 'rxtx_factor': flavor.rxtx_factor,
                     'os-flavor-access:is_public': flavor.is_public})
    return body


def _get(req, flavor_id):
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    if not flavor.is_public and not req.context.is_admin and \
            req.context.project_id not in flavor.projects:
        raise exception.FlavorNotFound(flavor_id=flavor_id)
    return flavor


def _list(req, detailed):
    params = req.params
    limit, marker = common.limit_and_marker(req)
    is_public = True
    raw = params.get('is_public')
    if raw is not None and req.context.is_admin:
        is_public = None if raw.lower() == 'none' else common.bool_param(raw, 'is_public')
    project = req.context.project_id
    if req.context.is_admin and raw is None:
        # Filtered below to public plus the private ones shared with them.
        project, is_public = None, None
    elif req.context.is_admin:
        project = None
    min_ram = _int_param(params.get('minRam'), 'minRam')
    min_disk = _int_param(params.get('minDisk'), 'minDisk')
    sort_key = params.get('sort_key', 'flavorid')
    if sort_key not in ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb', 'id',
                        'created_at'):
        raise exception.Invalid(reason='Invalid sort key %s' % sort_key)
    sort_dir = params.get('sort_dir', 'asc')
    if sort_dir not in ('asc', 'desc'):
        raise exception.Invalid(reason='Invalid sort direction %s' % sort_dir)
    flavors = flavor_obj.FlavorList.get_all(req.context, project, is_public, min_ram, min_disk,
                                            sort_key, sort_dir, limit, marker)
    if req.context.is_admin and raw is None:
        # Admins see public flavors plus the private ones shared with them.
        flavors.objects = [f for f in flavors.objects
                           if f.is_public or req.context.project_id in f.projects]
    items = [view(req, f, detailed) for f in flavors]
    body = {'flavors': items}
    links = common.next_link(req, 'flavors' + ('/detail' if detailed else ''), items, limit)
    if links:
        body['flavors_links'] = links
    return body


def _int_param(value, name):
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise exception.Invalid(reason='Invalid %s filter [%s]' % (name, value))


def index(req):
    return _list(req, False)


def detail(req):
    return _list(req, True)


def show(req, flavor_id):
    return {'flavor': view(req, _get(req, flavor_id))}


def create(req):
    policies.authorize(req.context, 'os-flavor-manage')
    body = common.validate(_create_schema, req.body)['flavor']
    is_public = body.get('os-flavor-access:is_public', True)
    if isinstance(is_public, str):
        is_public = common.bool_param(is_public, 'os-flavor-access:is_public')
    flavor_id = body.get('id')
    if not flavor_id or flavor_id == 'auto':
        from oslo_utils import uuidutils
        flavor_id = uuidutils.generate_uuid()
    swap = body.get('swap') or 0
    flavor = flavor_obj.Flavor(
        req.context, flavorid=str(flavor_id), name=body['name'],
        memory_mb=int(body['ram']), vcpus=int(body['vcpus']), root_gb=int(body['disk']),
        ephemeral_gb=int(body.get('OS-FLV-EXT-DATA:ephemeral', 0)), swap=int(swap),
        rxtx_factor=float(body.get('rxtx_factor', 1.0)), is_public=is_public,
        disabled=False, extra_specs={}, projects=[])
    if flavor.memory_mb < 1 or flavor.vcpus < 1:
        raise exception.Invalid(reason='ram and vcpus must be at least 1')
    flavor.create()
    return {'flavor': view(req, flavor)}


def delete(req, flavor_id):
    policies.authorize(req.context, 'os-flavor-manage')
    flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id).destroy()
    return router.Response(None, 202)


def _access_view(flavor):
    return {'flavor_access': [{'flavor_id': flavor.flavorid, 'tenant_id': p}
                              for p in flavor.projects]}


def list_access(req, flavor_id):
    policies.authorize(req.context, 'os-flavor-access')
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    if flavor.is_public:
        raise exception.NotFound('Access list not available for public flavors.')
    return _access_view(flavor)


def action(req, flavor_id):
    policies.authorize(req.context, 'os-flavor-access')
    body = req.body
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    if 'addTenantAccess' in body:
        tenant = common.validate(_access_schema, body['addTenantAccess'])['tenant']
        if flavor.is_public:
            raise exception.Conflict(reason='Can not add access to a public flavor.')
        flavor.add_access(tenant)
    elif 'removeTenantAccess' in body:
        tenant = common.validate(_access_schema, body['removeTenantAccess'])['tenant']
        flavor.remove_access(tenant)
    else:
        raise exception.Invalid(reason='Invalid flavor action')
    return _access_view(flavor)


def list_specs(req, flavor_id):
    return {'extra_specs': dict(_get(req, flavor_id).extra_specs)}


def add_specs(req, flavor_id):
    policies.authorize(req.context, 'os-flavor-manage')
    body = common.validate(_extra_specs_schema, req.body)['extra_specs']
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    specs = {k: _spec_str(v) for k, v in body.items()}
    flavor.extra_specs = dict(flavor.extra_specs, **specs)
    flavor.save()
    return {'extra_specs': specs}


def _spec_str(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def show_spec(req, flavor_id, key):
    flavor = _get(req, flavor_id)
    if key not in flavor.extra_specs:
        raise exception.FlavorExtraSpecNotFound(flavor_id=flavor_id, key=key)
    return {key: flavor.extra_specs[key]}


def set_spec(req, flavor_id, key):
    policies.authorize(req.context, 'os-flavor-manage')
    body = req.body
    if not isinstance(body, dict) or len(body) != 1 or key not in body:
        raise exception.Invalid(reason='Request body and URI mismatch')
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    flavor.extra_specs = dict(flavor.extra_specs, **{key: _spec_str(body[key])})
    flavor.save()
    return {key: _spec_str(body[key])}


def delete_spec(req, flavor_id, key):
    policies.authorize(req.context, 'os-flavor-manage')
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    if key not in flavor.extra_specs:
        raise exception.FlavorExtraSpecNotFound(flavor_id=flavor_id, key=key)
    specs = dict(flavor.extra_specs)
    del specs[key]
    flavor.extra_specs = specs
    flavor.save()
    return router.Response(None, 202)
