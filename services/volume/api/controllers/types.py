"""Volume types: /types, extra specs, os-volume-type-access, /types/default."""

from oslo_config import cfg

from services.volume import exception
from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.schemas import volumes as schemas
from services.volume.api.views import types as views

CONF = cfg.CONF
T = '/types/{type_id}'


def register(r):
    r.add('GET', '/types', index)
    r.add('POST', '/types', create)
    r.add('GET', '/types/default', default, min_version=(3, 62))
    r.add('GET', T, show)
    r.add('PUT', T, update)
    r.add('DELETE', T, delete)
    r.add('POST', T + '/action', action)
    r.add('GET', T + '/os-volume-type-access', access_list)
    r.add('GET', T + '/extra_specs', specs_index)
    r.add('POST', T + '/extra_specs', specs_create)
    r.add('GET', T + '/extra_specs/{key}', spec_show)
    r.add('PUT', T + '/extra_specs/{key}', spec_update)
    r.add('DELETE', T + '/extra_specs/{key}', spec_delete)


def _admin(req):
    return policies.authorize(req.context, 'volume_extension:types_manage', do_raise=False)


def index(req):
    policies.authorize(req.context, 'volume_extension:type_get_all')
    is_public = None   # a project sees the public types and those shared with it
    if _admin(req):
        value = req.params.get('is_public')
        if value in (None, ''):
            is_public = True
        elif value.lower() != 'none':
            is_public = common.boolean(value, 'is_public')
    types = common.conductor().type_list(req.context, is_public)
    return {'volume_types': [views.detail(req, t) for t in types]}


def show(req, type_id):
    policies.authorize(req.context, 'volume_extension:type_get')
    return {'volume_type': views.detail(req, common.conductor().type_get(req.context,
                                                                        type_id))}


def default(req):
    policies.authorize(req.context, 'volume_extension:type_get')
    vtype = common.conductor().type_get(req.context, CONF.volume.default_volume_type)
    return {'volume_type': views.detail(req, vtype)}


def create(req):
    policies.authorize(req.context, 'volume_extension:types_manage')
    body = req.body
    common.validate(schemas.TYPE_CREATE, body)
    spec = body['volume_type']
    name = spec['name'].strip()
    if not name:
        raise exception.InvalidInput(reason='Volume type name can not be empty.')
    is_public = common.boolean(spec.get('os-volume-type-access:is_public', True),
                               'os-volume-type-access:is_public')
    vtype = common.conductor().type_create(req.context, name, spec.get('description'),
                                           is_public, spec.get('extra_specs') or {})
    return {'volume_type': views.detail(req, vtype)}


def update(req, type_id):
    policies.authorize(req.context, 'volume_extension:types_manage')
    body = req.body
    common.validate(schemas.TYPE_UPDATE, body)
    spec = body['volume_type']
    values = {}
    if spec.get('name') is not None:
        values['name'] = spec['name'].strip()
        if not values['name']:
            raise exception.InvalidInput(reason='Volume type name can not be empty.')
    if 'description' in spec:
        values['description'] = spec['description']
    if spec.get('is_public') is not None:
        values['is_public'] = common.boolean(spec['is_public'], 'is_public')
    if not values:
        raise exception.InvalidInput(
            reason='Specify volume type name, description, is_public or a combination '
                   'thereof.')
    api = common.conductor()
    vtype = api.type_get(req.context, type_id)
    if values.get('name') and vtype['name'] == CONF.volume.default_volume_type and \
            values['name'] != vtype['name']:
        raise exception.InvalidVolumeType(reason='The default volume type cannot be renamed.')
    return {'volume_type': views.detail(req, api.type_update(req.context, vtype['id'],
                                                             values))}


def delete(req, type_id):
    policies.authorize(req.context, 'volume_extension:types_manage')
    common.conductor().type_delete(req.context, type_id)
    return router.Response(None, 202)


def action(req, type_id):
    body = req.body
    if not isinstance(body, dict) or len(body) != 1:
        raise exception.InvalidInput(reason='The action body must hold exactly one action.')
    name, args = next(iter(body.items()))
    if name not in ('addProjectAccess', 'removeProjectAccess'):
        raise exception.InvalidInput(reason='There is no such action: %s' % name)
    policies.authorize(req.context, 'volume_extension:volume_type_access:' + name)
    project = args.get('project') if isinstance(args, dict) else None
    if not isinstance(project, str) or not project.strip() or len(project) > 255:
        raise exception.InvalidInput(reason='Access list must name a project.')
    api = common.conductor()
    vtype = api.type_get(req.context, type_id)
    if name == 'addProjectAccess':
        api.type_access_add(req.context, vtype['id'], project)
    else:
        api.type_access_remove(req.context, vtype['id'], project)
    return router.Response(None, 202)


def access_list(req, type_id):
    policies.authorize(req.context, 'volume_extension:volume_type_access:get_all_for_type')
    api = common.conductor()
    vtype = api.type_get(req.context, type_id)
    projects = api.type_access_list(req.context, vtype['id'])
    return {'volume_type_access': [{'volume_type_id': vtype['id'], 'project_id': p}
                                   for p in projects]}


# -- extra specs ---------------------------------------------------------------------------

def _type(req, type_id, rule):
    policies.authorize(req.context, rule)
    return common.conductor().type_get(req.context, type_id)


def specs_index(req, type_id):
    vtype = _type(req, type_id, 'volume_extension:types_extra_specs:index')
    return {'extra_specs': vtype['extra_specs']}


def specs_create(req, type_id):
    vtype = _type(req, type_id, 'volume_extension:types_extra_specs:create')
    body = req.body
    common.validate(schemas.EXTRA_SPECS, body)
    specs = common.conductor().type_extra_specs_update(req.context, vtype['id'],
                                                       body['extra_specs'])
    return {'extra_specs': {k: specs[k] for k in body['extra_specs']}}


def spec_show(req, type_id, key):
    vtype = _type(req, type_id, 'volume_extension:types_extra_specs:show')
    if key not in vtype['extra_specs']:
        raise exception.VolumeTypeExtraSpecNotFound(type_id=type_id, key=key)
    return {key: vtype['extra_specs'][key]}


def spec_update(req, type_id, key):
    vtype = _type(req, type_id, 'volume_extension:types_extra_specs:update')
    body = req.body
    if not isinstance(body, dict) or list(body) != [key] or \
            not isinstance(body[key], str) or len(body[key]) > 255:
        raise exception.InvalidInput(reason='Request body and URI mismatch')
    common.conductor().type_extra_specs_update(req.context, vtype['id'], body)
    return body


def spec_delete(req, type_id, key):
    vtype = _type(req, type_id, 'volume_extension:types_extra_specs:delete')
    common.conductor().type_extra_spec_delete(req.context, vtype['id'], key)
    return router.Response(None, 202)
