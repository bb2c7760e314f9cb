"""``/v2/metadefs``: namespaces, their objects, properties, tags and resource
type associations, and the resource types.

Every handler: the namespace must be visible to the caller (admin, public,
or owned by the caller's project; otherwise 404 as if it did not exist),
then the named policy (readers read, admins write), then one call of the
metadefs manager (``services.image.core.metadefs``) and a view.
"""

import pecan
import webob.exc

from common import exception as common_exc
from services.image.api.controllers import base
from services.image.api.schemas import metadefs as schemas
from services.image.api.views import metadefs as views
from services.image.core import metadefs as metadef_core

SORT_DIRS = ('asc', 'desc')


def _metadefs():
    return base.managers().metadefs


def _method_not_allowed(allow):
    raise webob.exc.HTTPMethodNotAllowed(headers=[('Allow', allow)])


def _body(schema):
    document = base.json_body(base.ANY_OBJECT)
    document = schemas.strip_read_only(document)
    base.validation_validate(schema, document)
    return document


def _visible_namespace(name):
    return _metadefs().visible_namespace(base.context(), name)


def _authorize(action, ns=None):
    ctx = base.context()
    target = {'project_id': ns['owner'] if ns else ctx.project_id}
    base.authorize(action, target)


def _show_namespace(ns, resource_type=None):
    return views.namespace(ns, *_metadefs().namespace_parts(ns, resource_type))


# -- objects and properties: same shape, different bodies ------------------------------------

#: ``POST /v2/metadefs/namespaces/{ns}/tags`` (a constant: see base.json_body)
_TAGS_BODY = {'type': 'object', 'required': ['tags'], 'properties': {
    'tags': {'type': 'array', 'items': {
        'type': 'object', 'required': ['name'],
        'properties': {'name': schemas.TAG['properties']['name']}}}}}

class _Definition:
    """One object or property: ``.../{kind}s/{name}``."""

    def __init__(self, ns_name, kind, name):
        self.ns_name, self.kind, self.name = ns_name, kind, name

    def _show(self, values):
        if self.kind == 'object':
            return views.obj(self.ns_name, values)
        return views.prop(values)

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('GET, PUT, DELETE')

    @index.when(method='GET', template='json')
    def show(self):
        ns = _visible_namespace(self.ns_name)
        _authorize('get_metadef_%s' % self.kind, ns)
        return self._show(_metadefs().get_child(self.ns_name, self.kind, self.name))

    @index.when(method='PUT', template='json')
    def update(self):
        ns = _visible_namespace(self.ns_name)
        _authorize('modify_metadef_%s' % self.kind, ns)
        body = _body(schemas.OBJECT if self.kind == 'object' else schemas.PROPERTY)
        return self._show(_metadefs().update_child(self.ns_name, self.kind, self.name, body))

    @index.when(method='DELETE')
    def delete(self):
        ns = _visible_namespace(self.ns_name)
        action = 'delete_metadef_object' if self.kind == 'object' \
            else 'remove_metadef_property'
        _authorize(action, ns)
        _metadefs().delete_child(self.ns_name, self.kind, self.name)
        base.set_status(204)


class _Definitions:
    """``.../objects`` or ``.../properties`` of one namespace."""

    def __init__(self, ns_name, kind):
        self.ns_name, self.kind = ns_name, kind

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('GET, POST, DELETE')

    @index.when(method='GET', template='json')
    def list(self):
        ns = _visible_namespace(self.ns_name)
        if self.kind == 'object':
            _authorize('get_metadef_objects', ns)
            return views.objects(self.ns_name,
                                 _metadefs().list_children(self.ns_name, 'object'))
        _authorize('get_metadef_properties', ns)
        return views.properties(_metadefs().list_children(self.ns_name, 'property'))

    @index.when(method='POST', template='json')
    def create(self):
        ns = _visible_namespace(self.ns_name)
        _authorize('add_metadef_%s' % self.kind, ns)
        if self.kind == 'object':
            body = _body(schemas.OBJECT)
            result = views.obj(self.ns_name,
                               _metadefs().create_child(self.ns_name, 'object', body))
        else:
            body = _body(schemas.PROPERTY)
            result = views.prop(_metadefs().create_child(self.ns_name, 'property', body))
        base.set_status(201)
        return result

    @index.when(method='DELETE')
    def delete_all(self):
        ns = _visible_namespace(self.ns_name)
        _authorize('delete_metadef_object' if self.kind == 'object'
                   else 'remove_metadef_property', ns)
        _metadefs().delete_children(self.ns_name, self.kind)
        base.set_status(204)

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return _Definition(self.ns_name, self.kind, name), remainder


# -- tags ---------------------------------------------------------------------------------

class _Tag:

    def __init__(self, ns_name, name):
        self.ns_name, self.name = ns_name, name

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('GET, POST, PUT, DELETE')

    @index.when(method='GET', template='json')
    def show(self):
        _authorize('get_metadef_tag', _visible_namespace(self.ns_name))
        return views.tag(_metadefs().get_child(self.ns_name, 'tag', self.name))

    @index.when(method='POST', template='json')
    def create(self):
        _authorize('add_metadef_tag', _visible_namespace(self.ns_name))
        base.validation_validate(schemas.TAG, {'name': self.name})
        created = _metadefs().create_tag(self.ns_name, self.name)
        base.set_status(201)
        return views.tag(created)

    @index.when(method='PUT', template='json')
    def update(self):
        _authorize('modify_metadef_tag', _visible_namespace(self.ns_name))
        body = _body(schemas.TAG)
        return views.tag(_metadefs().rename_tag(self.ns_name, self.name, body['name']))

    @index.when(method='DELETE')
    def delete(self):
        _authorize('delete_metadef_tag', _visible_namespace(self.ns_name))
        _metadefs().delete_child(self.ns_name, 'tag', self.name)
        base.set_status(204)


class _Tags:

    def __init__(self, ns_name):
        self.ns_name = ns_name

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('GET, POST, DELETE')

    @index.when(method='GET', template='json')
    def list(self):
        _authorize('get_metadef_tags', _visible_namespace(self.ns_name))
        return views.tags(_metadefs().list_children(self.ns_name, 'tag'))

    @index.when(method='POST', template='json')
    def create_many(self):
        """``{"tags": [{"name": ...}, ...]}``: replaces the namespace's tags, or
        adds to them with ``X-Openstack-Append: True``."""
        _authorize('add_metadef_tags', _visible_namespace(self.ns_name))
        body = base.json_body(_TAGS_BODY)
        append = pecan.request.headers.get('X-Openstack-Append', '').lower() == 'true'
        created = _metadefs().create_tags(self.ns_name, [t['name'] for t in body['tags']],
                                          append=append)
        base.set_status(201)
        return views.created_tags(created)

    @index.when(method='DELETE')
    def delete_all(self):
        _authorize('delete_metadef_tags', _visible_namespace(self.ns_name))
        _metadefs().delete_children(self.ns_name, 'tag')
        base.set_status(204)

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return _Tag(self.ns_name, name), remainder


# -- resource type associations -----------------------------------------------------------

class _Association:

    def __init__(self, ns_name, name):
        self.ns_name, self.name = ns_name, name

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('DELETE')

    @index.when(method='DELETE')
    def delete(self):
        _authorize('remove_metadef_resource_type_association',
                   _visible_namespace(self.ns_name))
        _metadefs().delete_association(self.ns_name, self.name)
        base.set_status(204)


class _Associations:

    def __init__(self, ns_name):
        self.ns_name = ns_name

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('GET, POST')

    @index.when(method='GET', template='json')
    def list(self):
        ns = _visible_namespace(self.ns_name)
        _authorize('get_metadef_resource_type', ns)
        return views.associations(_metadefs().list_associations(ns))

    @index.when(method='POST', template='json')
    def create(self):
        _authorize('add_metadef_resource_type_association', _visible_namespace(self.ns_name))
        body = _body(schemas.RESOURCE_TYPE)
        base.set_status(201)
        return views.association(_metadefs().create_association(self.ns_name, body))

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return _Association(self.ns_name, name), remainder


# -- namespaces ---------------------------------------------------------------------------

class NamespaceController:

    def __init__(self, name):
        self.name = name
        self.objects = _Definitions(name, 'object')
        self.properties = _Definitions(name, 'property')
        self.tags = _Tags(name)
        self.resource_types = _Associations(name)

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('GET, PUT, DELETE')

    @index.when(method='GET', template='json')
    def show(self):
        ns = _visible_namespace(self.name)
        _authorize('get_metadef_namespace', ns)
        return _show_namespace(ns, pecan.request.GET.get('resource_type'))

    @index.when(method='PUT', template='json')
    def update(self):
        ns = _visible_namespace(self.name)
        _authorize('modify_metadef_namespace', ns)
        body = _body(schemas.NAMESPACE)
        return _show_namespace(_metadefs().update_namespace(self.name, body))

    @index.when(method='DELETE')
    def delete(self):
        ns = _visible_namespace(self.name)
        _authorize('delete_metadef_namespace', ns)
        _metadefs().delete_namespace(self.name, ns)
        base.set_status(204)


class NamespacesController:

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('GET, POST')

    @index.when(method='GET', template='json')
    def list(self):
        ctx = base.context()
        _authorize('get_metadef_namespaces')
        params = pecan.request.GET
        sort_key = params.get('sort_key', 'created_at')
        sort_dir = params.get('sort_dir', 'desc')
        if sort_key not in metadef_core.SORT_KEYS or sort_dir not in SORT_DIRS:
            raise common_exc.BadRequest(reason='Invalid sort_key or sort_dir')
        conf = base.conf()
        try:
            limit = min(int(params.get('limit', conf.image.limit_param_default)),
                        conf.image.api_limit_max)
        except ValueError:
            raise common_exc.BadRequest(reason='limit must be an integer')
        if limit < 0:
            raise common_exc.BadRequest(reason='limit must be positive')
        resource_types = [r.strip() for r in params.get('resource_types', '').split(',')
                          if r.strip()]
        visibility = params.get('visibility')
        if visibility not in (None, 'public', 'private'):
            raise common_exc.BadRequest(reason='Invalid visibility')
        rows, associations, next_marker = _metadefs().list_namespaces(
            ctx, limit, visibility=visibility, resource_types=resource_types,
            sort_key=sort_key, sort_dir=sort_dir, marker=params.get('marker'))
        query = {k: v for k, v in params.items() if k != 'marker'}
        return views.namespaces(rows, associations, next_marker, query)

    @index.when(method='POST', template='json')
    def create(self):
        _authorize('add_metadef_namespace')
        body = _body(schemas.NAMESPACE)
        associations = [schemas.strip_read_only(a)
                        for a in body.get('resource_type_associations', [])]
        ns = _metadefs().create_namespace(base.context(), body, associations)
        base.set_status(201)
        return _show_namespace(ns)

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return NamespaceController(name), remainder


class ResourceTypesController:

    @pecan.expose(generic=True, template='json')
    def index(self):
        _method_not_allowed('GET')

    @index.when(method='GET', template='json')
    def list(self):
        _authorize('list_metadef_resource_types')
        return views.resource_types(_metadefs().list_resource_types())


class MetadefsController:
    namespaces = NamespacesController()
    resource_types = ResourceTypesController()
