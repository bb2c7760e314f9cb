"""The collection controller every Networking v2.0 resource shares.

Each handler has the same beats: validate the body, enforce the named
policy, call the conductor, shape the result with the view, return.
"""

import pecan
from pecan import rest
import webob.exc

from common import exception as common_exc
from common import policy
from common import validation
from services.network import exception
from services.network.api import policies
from services.network.api import schemas
from services.network.api import views

RESERVED_PARAMS = ('fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse')


def authorize(action, target, do_raise=True):
    """Enforce ``action`` on ``target`` (the caller's own project if None)."""
    request = pecan.request
    try:
        return policy.authorize(request.enforcer, request.context, action, target,
                                do_raise=do_raise)
    except common_exc.PolicyNotAuthorized:
        raise exception.PolicyNotAuthorized(action=action)


def read_json():
    try:
        return validation.parse_json(pecan.request.body)
    except common_exc.ValidationError as exc:
        raise exception.BadRequest(resource='request', msg=exc.message)


def parse_body(resource, creating, document=None):
    """The ``{"<resource>": {...}}`` body, validated; returns the inner dict."""
    if document is None:
        document = read_json()
    if not isinstance(document, dict) or not isinstance(document.get(resource), dict):
        raise exception.BadRequest(resource=resource,
                                   msg='Resource body required: {"%s": {...}}' % resource)
    body = document[resource]
    try:
        validation.validate(schemas.body_schema(resource, creating), body)
    except common_exc.ValidationError as exc:
        raise exception.InvalidInput(error_message=exc.message.replace('Invalid input: ', ''))
    if 'tenant_id' in body:
        tenant = body.pop('tenant_id')
        if body.setdefault('project_id', tenant) != tenant:
            raise exception.InvalidInput(error_message='project_id and tenant_id do not match')
    return body


def list_params(request):
    """``(filters, fields, sorts, limit, marker, page_reverse)`` from the query."""
    params = request.GET
    for key, value in params.items():
        if '\x00' in key or '\x00' in value:
            # No database column holds a NUL (PostgreSQL refuses it outright).
            raise exception.BadRequest(resource='query', msg='NUL in the query string')
    filters = {}
    for key in params:
        if key not in RESERVED_PARAMS and key not in filters:
            filters[key] = [v for v in params.getall(key)]
    fields = [f for f in params.getall('fields') if f]
    keys, dirs = params.getall('sort_key'), params.getall('sort_dir')
    if dirs and len(dirs) != len(keys):
        raise exception.BadRequest(resource='sort', msg='The number of sort_keys and '
                                   'sort_dirs must be the same')
    sorts = list(zip(keys, dirs or ['asc'] * len(keys)))
    limit = params.get('limit')
    if limit is not None:
        try:
            limit = int(limit)
            if not 0 <= limit <= schemas.DB_INT_MAX:
                raise ValueError
        except ValueError:
            raise exception.BadRequest(
                resource='limit', msg="Limit must be an integer from 0 to %d and not '%s'"
                % (schemas.DB_INT_MAX, limit))
        limit = limit or None
    page_reverse = params.get('page_reverse', 'false').lower() == 'true'
    return filters, fields, sorts, limit, params.get('marker'), page_reverse


def _attribute_set(body, attr):
    """Whether ``attr`` is in ``body``; ``outer:inner`` names a key inside a
    dict attribute or inside any item of a list attribute."""
    if attr in body:
        return True
    outer, _, inner = attr.partition(':')
    value = body.get(outer)
    items = value if isinstance(value, list) else [value]
    return bool(inner) and any(isinstance(i, dict) and inner in i for i in items)


def check_admin_attributes(resource, verb, body, project_id):
    for attr in policies.ADMIN_ATTRIBUTES.get(resource, ()):
        if _attribute_set(body, attr):
            authorize('%s_%s:%s' % (verb, resource, attr), {'project_id': project_id})


def check_network_owner_attributes(resource, verb, body, project_id, network_id):
    """Attributes only the network's own project may set (the network is
    looked up only when one of them is in the body)."""
    wanted = [a for a in policies.NETWORK_OWNER_ATTRIBUTES.get(resource, ())
              if _attribute_set(body, a)]
    if not wanted:
        return
    request = pecan.request
    net = request.conductor.get_resource(request.context, 'network', network_id)
    target = {'project_id': project_id, 'network:project_id': net.get('project_id')}
    for attr in wanted:
        authorize('%s_%s:%s' % (verb, resource, attr), target)


def method_not_allowed(*allowed):
    """405 with the methods the URL takes (neutron's answer to a wrong verb)."""
    return webob.exc.HTTPMethodNotAllowed(
        explanation='The method %s is not allowed for this resource; it takes %s.'
        % (pecan.request.method, ', '.join(allowed)),
        headers={'Allow': ', '.join(allowed)})


# The error a resource the caller may not see is reported with.
NOT_FOUND = {
    'network': lambda i: exception.NetworkNotFound(net_id=i),
    'subnet': lambda i: exception.SubnetNotFound(subnet_id=i),
    'subnetpool': lambda i: exception.SubnetPoolNotFound(subnetpool_id=i),
    'port': lambda i: exception.PortNotFound(port_id=i),
    'router': lambda i: exception.RouterNotFound(router_id=i),
    'floatingip': lambda i: exception.FloatingIPNotFound(floatingip_id=i),
    'security_group': lambda i: exception.SecurityGroupNotFound(id=i),
    'security_group_rule': lambda i: exception.SecurityGroupRuleNotFound(id=i),
    'agent': lambda i: exception.AgentNotFound(id=i),
    'policy': lambda i: exception.QosPolicyNotFound(policy_id=i),
    'address_scope': lambda i: exception.AddressScopeNotFound(address_scope_id=i),
    'rbac_policy': lambda i: exception.RbacPolicyNotFound(id=i, object_type='network'),
    'metering_label': lambda i: exception.MeteringLabelNotFound(label_id=i),
    'metering_label_rule': lambda i: exception.MeteringLabelRuleNotFound(rule_id=i),
    'trunk': lambda i: exception.TrunkNotFound(trunk_id=i),
    'segment': lambda i: exception.SegmentNotFound(segment_id=i),
}


class ResourceController(rest.RestController):
    """``/v2.0/<collection>`` and ``/v2.0/<collection>/<id>``, and for
    taggable resources ``/v2.0/<collection>/<id>/tags[/<tag>]``."""

    resource = None
    collection = None
    #: A policy checked before listing (for admin-only collections).
    list_policy = None
    #: Whether the resource has ``/tags`` (``standard-attr-tag``).
    taggable = False

    def _is_tags_path(self, rest_of_path):
        return (self.taggable and rest_of_path and rest_of_path[0] == 'tags'
                and len(rest_of_path) <= 2)

    def _tags(self, resource_id, rest_of_path):
        """The tags sub-resource: reading needs ``get_<resource>``, changing
        ``update_<resource>`` on the tagged resource."""
        request = pecan.request
        verb = request.method
        tag = rest_of_path[1] if len(rest_of_path) == 2 else None
        item = self._fetch(resource_id)
        action = 'get' if verb == 'GET' else 'update'
        self._authorize_on('%s_%s' % (action, self.resource), self._target(item),
                           resource_id)
        conductor, context = request.conductor, request.context
        if verb == 'GET':
            if tag is None:
                return {'tags': item.get('tags', [])}
            if tag not in item.get('tags', []):
                raise exception.TagNotFound(tag=tag, resource=self.resource,
                                            resource_id=resource_id)
            return views.no_content()
        if verb == 'PUT' and tag is None:
            document = read_json()
            if not isinstance(document, dict) or not isinstance(document.get('tags'), list):
                raise exception.BadRequest(resource='tags',
                                           msg='Resource body required: {"tags": [...]}')
            return {'tags': conductor.update_tags(context, self.resource, resource_id,
                                                  replace=document['tags'])}
        if verb == 'PUT':
            conductor.update_tags(context, self.resource, resource_id, add=[tag])
            return views.created_no_content()
        if tag is None:
            conductor.update_tags(context, self.resource, resource_id, replace=[])
        else:
            conductor.update_tags(context, self.resource, resource_id, remove=[tag])
        return views.no_content()

    def _target(self, item):
        """What the rules see of ``item``: its attributes and its project."""
        return dict(item, project_id=item.get('project_id') or '')

    def _fetch(self, resource_id):
        request = pecan.request
        if '\x00' in resource_id:  # no row has one; PostgreSQL refuses to compare it
            raise self._not_found(resource_id)
        return request.conductor.get_resource(request.context, self.resource, resource_id)

    def _not_found(self, resource_id):
        return NOT_FOUND.get(self.resource, lambda i: exception.ResourceNotFound())(
            resource_id)

    def _authorize_on(self, action, target, resource_id):
        """``action`` on a found resource: 403 if the caller may see it, else
        404 (the caller learns nothing of what it may not read)."""
        if authorize(action, target, do_raise=False):
            return
        if action.startswith('get_') or not authorize('get_%s' % self.resource, target,
                                                       do_raise=False):
            raise self._not_found(resource_id)
        raise exception.PolicyNotAuthorized(action=action)

    def _own_project_readable(self):
        """Whether the caller may read resources of its own project at all
        (a token whose roles grant nothing lists nothing)."""
        context = pecan.request.context
        return authorize('get_%s' % self.resource, {'project_id': context.project_id},
                         do_raise=False)

    @pecan.expose('json')
    def get_all(self):
        request = pecan.request
        filters, fields, sorts, limit, marker, page_reverse = list_params(request)
        if self.list_policy:
            authorize(self.list_policy, None)
        if not self._own_project_readable():
            return views.listing_response(self.collection, b'[]')
        hidden = views.hidden_attributes(request, self.resource)
        listing = request.conductor.list_resources_compact(
            request.context, self.resource, filters=filters, sorts=sorts, limit=limit,
            marker=marker, page_reverse=page_reverse, fields=fields or None,
            hidden=hidden or None)
        links = views.pagination_links(request, listing.count, listing.last_id, limit)
        # Listings can be thousands of items: their JSON comes rendered from
        # the conductor and goes out as it is, past pecan's renderer.
        return views.listing_response(self.collection, listing.items_json, links)

    @pecan.expose('json')
    def get_one(self, resource_id, *rest_of_path):
        if self._is_tags_path(rest_of_path):
            return self._tags(resource_id, rest_of_path)
        if rest_of_path:
            raise exception.ResourceNotFound()
        request = pecan.request
        item = self._fetch(resource_id)
        self._authorize_on('get_%s' % self.resource, self._target(item), resource_id)
        fields = [f for f in request.GET.getall('fields') if f]
        return {self.resource: views.shape(item, views.hidden_attributes(
            request, self.resource), fields)}

    def _owner(self, body):
        """The project a new resource is created for: the caller's, or the one
        named in the body when the caller may create there (admin; the
        service role for ports). Never none."""
        context = pecan.request.context
        project_id = body.get('project_id') or context.project_id
        if not project_id:
            raise exception.PolicyNotAuthorized(action='create_%s' % self.resource)
        if project_id != context.project_id and not authorize(
                'create_%s' % self.resource, {'project_id': project_id}, do_raise=False):
            raise exception.BadRequest(
                resource=self.resource, msg="Specifying 'project_id' or 'tenant_id' other "
                "than the authenticated project in request requires admin privileges")
        return project_id

    @pecan.expose('json')
    def post(self, *args):
        if args:
            raise method_not_allowed('GET', 'PUT', 'DELETE')
        request = pecan.request
        document = read_json()
        plural = isinstance(document, dict) and isinstance(document.get(self.collection),
                                                           list)
        bodies = ([parse_body(self.resource, True, {self.resource: b})
                   for b in document[self.collection]]
                  if plural else [parse_body(self.resource, True, document)])
        for body in bodies:
            body['project_id'] = self._owner(body)
            authorize('create_%s' % self.resource, {'project_id': body['project_id']})
            check_admin_attributes(self.resource, 'create', body, body['project_id'])
            if 'network_id' in body:
                check_network_owner_attributes(self.resource, 'create', body,
                                               body['project_id'], body['network_id'])
        created = []
        hidden = views.hidden_attributes(request, self.resource)
        for body in bodies:
            item = request.conductor.create_resource(request.context, self.resource, body)
            created.append(views.shape(item, hidden))
        pecan.response.status = 201
        return {self.collection: created} if plural else {self.resource: created[0]}

    @pecan.expose('json')
    def put(self, resource_id=None, *rest_of_path):
        if resource_id is None:
            raise method_not_allowed('GET', 'POST')
        if self._is_tags_path(rest_of_path):
            return self._tags(resource_id, rest_of_path)
        if rest_of_path:
            raise exception.ResourceNotFound()
        request = pecan.request
        body = parse_body(self.resource, False)
        existing = self._fetch(resource_id)
        target = self._target(existing)
        self._authorize_on('update_%s' % self.resource, target, resource_id)
        check_admin_attributes(self.resource, 'update', body, target['project_id'])
        if 'network_id' in existing:
            check_network_owner_attributes(self.resource, 'update', body,
                                           target['project_id'], existing['network_id'])
        item = request.conductor.update_resource(request.context, self.resource,
                                                 resource_id, body)
        return {self.resource: views.shape(item, views.hidden_attributes(request,
                                                                         self.resource))}

    @pecan.expose('json')
    def delete(self, resource_id=None, *rest_of_path):
        if resource_id is None:
            raise method_not_allowed('GET', 'POST')
        if self._is_tags_path(rest_of_path):
            return self._tags(resource_id, rest_of_path)
        if rest_of_path:
            raise exception.ResourceNotFound()
        request = pecan.request
        existing = self._fetch(resource_id)
        self._authorize_on('delete_%s' % self.resource, self._target(existing), resource_id)
        request.conductor.delete_resource(request.context, self.resource, resource_id)
        return views.no_content()
