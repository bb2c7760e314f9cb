"""/flavors, extra specs and private-flavor access."""

from services.compute import exception
from services.compute.api import extra_specs
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.schemas import types
from services.compute.objects import flavor as flavor_obj

_create_schema = {
    'type': 'object',
    'properties': {'flavor': {
        'type': 'object',
        'properties': {
            'name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                     'pattern': r'^(?!\s)[\S\s]*(?<!\s)$'},
            # nova takes a JSON integer too, and keeps its decimal text
            'id': {'type': ['string', 'integer', 'null'], 'minLength': 1, 'maxLength': 255,
                   'pattern': r'^[\w\.\- ]*$', 'minimum': 0, 'maximum': types.MAX_INT},
            'ram': types.int_or_digits(1),
            'vcpus': types.int_or_digits(1),
            'disk': types.int_or_digits(0),
            'OS-FLV-EXT-DATA:ephemeral': types.int_or_digits(0),
            'swap': types.int_or_digits(0, allow_empty=True),
            'rxtx_factor': {'type': ['number', 'string'],
                            'pattern': r'^[0-9]+(\.[0-9]+)?$',
                            'exclusiveMinimum': 0, 'maximum': types.MAX_FLOAT},
            'os-flavor-access:is_public': {'type': ['boolean', 'string']},
            'description': None,  # 2.55: filled in below
        },
        'required': ['name', 'ram', 'vcpus', 'disk'],
        'additionalProperties': False}},
    'required': ['flavor'],
    'additionalProperties': False,
}
#: A flavor's description (2.55): printable text, or null.
_description = {'type': ['string', 'null'], 'minLength': 0, 'maxLength': 65535,
                'pattern': r'^[^\x00-\x1f\x7f]*$'}
_create_schema['properties']['flavor']['properties']['description'] = _description
_update_schema = {
    'type': 'object',
    'properties': {'flavor': {'type': 'object', 'properties': {'description': _description},
                              'required': ['description'], 'additionalProperties': False}},
    'required': ['flavor'],
    'additionalProperties': False,
}
_spec_value = {'type': ['string', 'number', 'boolean'], 'maxLength': 255,
               'minimum': -types.MAX_FLOAT, 'maximum': types.MAX_FLOAT}
_extra_specs_schema = {
    'type': 'object',
    'properties': {'extra_specs': {
        'type': 'object',
        'patternProperties': {r'^[\w\-\.: ]{1,255}$': _spec_value},
        'additionalProperties': False}},
    'required': ['extra_specs'],
    'additionalProperties': False,
}
_access_schema = {'type': 'object',
                  'properties': {'tenant': {'type': 'string', 'minLength': 1,
                                            'maxLength': 255}},
                  'required': ['tenant'], 'additionalProperties': False}
_action_schema = {'type': 'object',
                  'properties': {'addTenantAccess': _access_schema,
                                 'removeTenantAccess': _access_schema},
                  'minProperties': 1, 'maxProperties': 1, 'additionalProperties': False}
_spec_item_schema = {'type': 'object',
                     'patternProperties': {r'^[\w\-\.: ]{1,255}$': _spec_value},
                     'minProperties': 1, 'maxProperties': 1, 'additionalProperties': False}


def register(r):
    r.add('GET', '/flavors', index)
    r.add('GET', '/flavors/detail', detail)
    r.add('POST', '/flavors', create)
    r.add('GET', '/flavors/{flavor_id}', show)
    r.add('PUT', '/flavors/{flavor_id}', update, min_version=(2, 55))
    r.add('DELETE', '/flavors/{flavor_id}', delete)
    r.add('POST', '/flavors/{flavor_id}/action', action)
    r.add('GET', '/flavors/{flavor_id}/os-flavor-access', list_access)
    r.add('GET', '/flavors/{flavor_id}/os-extra_specs', list_specs)
    r.add('POST', '/flavors/{flavor_id}/os-extra_specs', add_specs)
    r.add('GET', '/flavors/{flavor_id}/os-extra_specs/{key}', show_spec)
    r.add('PUT', '/flavors/{flavor_id}/os-extra_specs/{key}', set_spec)
    r.add('DELETE', '/flavors/{flavor_id}/os-extra_specs/{key}', delete_spec)


def view(req, flavor, detailed=True, specs_visible=None):
    """A flavor per microversion: ``description`` from 2.55 (in lists
    too), ``extra_specs`` in detailed views from 2.61 for those who may read
    them (``specs_visible``, checked here when None), ``swap`` 0 rather than
    '' for none from 2.75."""
    body = {'id': flavor.flavorid, 'name': flavor.name,
            'links': common.link(req, 'flavors', flavor.flavorid)}
    if req.at_least(55):
        body['description'] = flavor.description
    if detailed:
        body.update({'ram': flavor.memory_mb, 'disk': flavor.root_gb, 'vcpus': flavor.vcpus,
                     'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral_gb,
                     'OS-FLV-DISABLED:disabled': flavor.disabled,
                     'swap': flavor.swap or (0 if req.at_least(75) else ''),
                     'rxtx_factor': flavor.rxtx_factor,
                     'os-flavor-access:is_public': flavor.is_public})
        if req.at_least(61):
            if specs_visible is None:
                specs_visible = _specs_visible(req)
            if specs_visible:
                body['extra_specs'] = dict(flavor.extra_specs or {})
    return body


def _specs_visible(req):
    return policies.authorize(req.context, 'os-flavor-extra-specs:index', do_raise=False)


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
    min_ram = common.int_param(req, 'minRam')
    min_disk = common.int_param(req, 'minDisk')
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
    visible = detailed and req.at_least(61) and _specs_visible(req)
    items = [view(req, f, detailed, visible) for f in flavors]
    body = {'flavors': items}
    links = common.next_link(req, 'flavors' + ('/detail' if detailed else ''), items, limit)
    if links:
        body['flavors_links'] = links
    return body


def index(req):
    policies.authorize(req.context, 'flavors:index')
    return _list(req, False)


def detail(req):
    policies.authorize(req.context, 'flavors:index')
    return _list(req, True)


def show(req, flavor_id):
    policies.authorize(req.context, 'flavors:show')
    return {'flavor': view(req, _get(req, flavor_id))}


def create(req):
    policies.authorize(req.context, 'os-flavor-manage:create')
    body = common.validate(_create_schema, req.body)['flavor']
    common.fields_for_version(req, body, {'description': 55})
    is_public = body.get('os-flavor-access:is_public', True)
    if isinstance(is_public, str):
        is_public = common.bool_param(is_public, 'os-flavor-access:is_public')
    flavor_id = body.get('id')
    if flavor_id is None or flavor_id == 'auto':
        from oslo_utils import uuidutils
        flavor_id = uuidutils.generate_uuid()
    size = common.int_in_range
    flavor = flavor_obj.Flavor(
        req.context, flavorid=str(flavor_id), name=body['name'],
        memory_mb=size(body['ram'], 'ram', 1), vcpus=size(body['vcpus'], 'vcpus', 1),
        root_gb=size(body['disk'], 'disk'),
        ephemeral_gb=size(body.get('OS-FLV-EXT-DATA:ephemeral', 0), 'ephemeral'),
        swap=size(body.get('swap') or 0, 'swap'),
        rxtx_factor=_rxtx_factor(body.get('rxtx_factor', 1.0)), is_public=is_public,
        disabled=False, extra_specs={}, projects=[], description=body.get('description'))
    flavor.create()
    return {'flavor': view(req, flavor)}


def update(req, flavor_id):
    """2.55: a flavor's description is the one thing that changes."""
    policies.authorize(req.context, 'os-flavor-manage:update')
    body = common.validate(_update_schema, req.body)['flavor']
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    flavor.description = body['description']
    flavor.save()
    return {'flavor': view(req, flavor)}


def _rxtx_factor(value):
    factor = float(value)  # the schema let only a number or its decimal text through
    if not 0 < factor <= types.MAX_FLOAT:
        raise exception.Invalid(reason='rxtx_factor must be > 0 and <= %g' % types.MAX_FLOAT)
    return factor


def delete(req, flavor_id):
    policies.authorize(req.context, 'os-flavor-manage:delete')
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
    body = req.body
    if isinstance(body, dict) and len(body) == 1 and next(iter(body)) == 'addTenantAccess':
        policies.authorize(req.context, 'os-flavor-access:add_tenant_access')
    else:
        policies.authorize(req.context, 'os-flavor-access:remove_tenant_access')
    body = common.validate(_action_schema, body)
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    if 'addTenantAccess' in body:
        if flavor.is_public:
            raise exception.Conflict(reason='Can not add access to a public flavor.')
        flavor.add_access(body['addTenantAccess']['tenant'])
    else:
        flavor.remove_access(body['removeTenantAccess']['tenant'])
    return _access_view(flavor)


def list_specs(req, flavor_id):
    policies.authorize(req.context, 'os-flavor-extra-specs:index')
    return {'extra_specs': dict(_get(req, flavor_id).extra_specs)}


def add_specs(req, flavor_id):
    policies.authorize(req.context, 'os-flavor-extra-specs:create')
    body = common.validate(_extra_specs_schema, req.body)['extra_specs']
    specs = {k: _spec_str(v) for k, v in body.items()}
    if req.at_least(86):
        extra_specs.validate_all(specs)
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    flavor.extra_specs = dict(flavor.extra_specs, **specs)
    flavor.save()
    return {'extra_specs': specs}


def _spec_str(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def show_spec(req, flavor_id, key):
    policies.authorize(req.context, 'os-flavor-extra-specs:show')
    flavor = _get(req, flavor_id)
    if key not in flavor.extra_specs:
        raise exception.FlavorExtraSpecNotFound(flavor_id=flavor_id, key=key)
    return {key: flavor.extra_specs[key]}


def set_spec(req, flavor_id, key):
    policies.authorize(req.context, 'os-flavor-extra-specs:update')
    body = common.validate(_spec_item_schema, req.body)
    if key not in body:
        raise exception.Invalid(reason='Request body and URI mismatch')
    if req.at_least(86):
        extra_specs.validate(key, _spec_str(body[key]))
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    flavor.extra_specs = dict(flavor.extra_specs, **{key: _spec_str(body[key])})
    flavor.save()
    return {key: _spec_str(body[key])}


def delete_spec(req, flavor_id, key):
    policies.authorize(req.context, 'os-flavor-extra-specs:delete')
    flavor = flavor_obj.Flavor.get_by_flavor_id(req.context, flavor_id)
    if key not in flavor.extra_specs:
        raise exception.FlavorExtraSpecNotFound(flavor_id=flavor_id, key=key)
    specs = dict(flavor.extra_specs)
    del specs[key]
    flavor.extra_specs = specs
    flavor.save()
    return router.Response(None, 200)  # nova's empty 200
