"""/servers: create, list, detail, show, update, delete."""

import base64
import binascii
import ipaddress
import secrets

from oslo_utils import timeutils
from oslo_utils import uuidutils

from services.compute import exception
from services.compute.api import compute_api
from services.compute.api import policies
from services.compute.api import router
from services.compute.api import volume_api
from services.compute.api.controllers import common
from services.compute.api.schemas import servers as schemas
from services.compute.api.views import servers as views
from services.compute.objects import instance as inst_obj


#: Filters only those with ``servers:allow_all_filters`` (admins) use,
#: besides the ones of :data:`MEMBER_FILTERS_2_83`.
_ADMIN_ONLY_FILTERS = ('host', 'node')
#: 2.83: filters a project's members may use on their own servers too
#: (before 2.83 nova ignores them for non-admins).  ``user_id``,
#: ``vm_state`` and ``task_state`` match exactly; the others are patterns
#: (nova's regex filters) matched anywhere in the column's text.
MEMBER_FILTERS_2_83 = ('availability_zone', 'config_drive', 'key_name', 'created_at',
                       'launched_at', 'terminated_at', 'power_state', 'task_state',
                       'vm_state', 'progress', 'user_id')
_EXACT_2_83 = ('user_id', 'vm_state', 'task_state')


def register(r):
    r.add('POST', '/servers', create)
    r.add('GET', '/servers', index)
    r.add('GET', '/servers/detail', detail)
    r.add('GET', '/servers/{server_id}', show)
    r.add('PUT', '/servers/{server_id}', update)
    r.add('DELETE', '/servers/{server_id}', delete)


# -- lookups shared with the other server controllers -----------------------

def get_instance(req, server_id, with_fault=False, read_deleted=False):
    if not uuidutils.is_uuid_like(server_id):
        raise exception.InstanceNotFound(instance_id=server_id)
    instance = inst_obj.Instance.get_by_uuid(req.context, server_id, with_fault=with_fault,
                                             read_deleted=read_deleted)
    if not req.context.is_admin and instance.project_id != req.context.project_id:
        raise exception.InstanceNotFound(instance_id=server_id)
    return instance


def target(instance):
    return {'project_id': instance.project_id, 'user_id': instance.user_id}


def host_status(services, instance):
    if not instance.host:
        return ''
    svc = services.get(instance.host)
    if svc is None:
        return 'UNKNOWN'
    if not compute_api.host_is_up(services, instance.host):
        return 'DOWN'
    return 'MAINTENANCE' if svc.disabled else 'UP'


def _permissions(req, instance):
    """(extended attributes, host status) visibility; both are admin-only
    rules, so one check serves a whole listing."""
    rule_target = target(instance)
    extended = policies.authorize(req.context, 'os-extended-server-attributes', rule_target,
                                  do_raise=False)
    status = req.at_least(16) and policies.authorize(
        req.context, 'servers:show:host_status', rule_target, do_raise=False)
    return extended, status


def render(req, instance, services=None, permissions=None, volumes=None, single=True):
    """The detailed view; ``volumes``: the page's ``{uuid: [mappings]}``
    (read here for a single server); ``single``: a server's own view (show,
    update, rebuild), which lists its server groups (2.71), a list's does not."""
    extended, show_status = permissions or _permissions(req, instance)
    status = None
    if show_status:
        status = host_status(services if services is not None
                             else compute_api.compute_services(req.context), instance)
    if volumes is None:
        volumes = volume_api.mappings(req.context, [instance.uuid])
    return views.detail(req, instance, extended, status, volumes.get(instance.uuid, ()),
                        views.groups_of(instance) if single else None)


def render_updated(req, instance):
    """The server as update and rebuild answer it (below 2.75, the reduced
    view; from 2.75 show's); fault details, as in show, for those who see
    extended attributes."""
    if req.at_least(75):
        return render(req, instance)
    details = policies.authorize(req.context, 'os-extended-server-attributes',
                                 target(instance), do_raise=False)
    return views.updated(req, instance, details)


def check_user_data(user_data):
    """``user_data`` as given, once it is known to be base64 (or empty)."""
    if user_data:
        try:
            base64.b64decode(user_data, validate=True)
        except (binascii.Error, ValueError):
            raise exception.Invalid(reason='User data needs to be valid base 64.')
    return user_data


def check_hostname(req, hostname):
    """A requested hostname (2.90): one label of at most 63 characters, and
    from 2.94 a fully qualified name of up to 255."""
    if hostname is None:
        return None
    if not req.at_least(94) and (len(hostname) > 63 or '.' in hostname):
        raise exception.Invalid(reason="Invalid input for field/attribute hostname. "
                                       "Value: %s. It must be a label of at most 63 "
                                       "characters without dots." % hostname[:255])
    if any(not label or len(label) > 63 for label in hostname.split('.')):
        raise exception.Invalid(reason='Invalid input for field/attribute hostname. '
                                       'Value: %s.' % hostname[:255])
    return hostname


def device_tags_allowed(req, kind):
    """Whether a create's ``networks`` (``kind`` 'network') or
    ``block_device_mapping_v2`` ('bdm') entries take a device ``tag``: from
    2.32, but (a bug nova kept) networks not from 2.37 and mappings not from
    2.33, until 2.42 gave both back."""
    lost = 37 if kind == 'network' else 33
    return (req.at_least(32) and not req.at_least(lost)) or req.at_least(42)


def check_device_tags(req, server):
    """400 for a device ``tag`` the request's microversion does not take."""
    networks = server.get('networks')
    entries = [('network', n) for n in networks] if isinstance(networks, list) else []
    entries += [('bdm', m) for m in server.get('block_device_mapping_v2') or []]
    for kind, entry in entries:
        if 'tag' in entry and not device_tags_allowed(req, kind):
            raise exception.Invalid(reason="Additional properties are not allowed "
                                           "('tag' was unexpected)")


def access_ip(value):
    """An accessIPv4/accessIPv6 value to store: the address in canonical
    form (the schema has checked it is one), or None for '' (cleared)."""
    if not value:
        return None
    return str(ipaddress.ip_address(value))


# -- create ------------------------------------------------------------------

def _count(value, name):
    return common.int_in_range(value, name, 1)


def _validate_create(req):
    """(the request's ``server``, the arguments of ``compute_api.create``),
    after the schema and the checks that need no lookup."""
    body = common.validate(schemas.create, req.body)
    server = body['server']
    if req.at_least(37) and 'networks' not in server:
        raise exception.Invalid(reason="Invalid input for field/attribute server. Value: "
                                       "'networks' is a required property")
    if not req.at_least(37) and server.get('networks') in ('auto', 'none'):
        raise exception.Invalid(reason='networks auto/none needs microversion 2.37')
    common.fields_for_version(req, server, schemas.CREATE_SINCE, schemas.CREATE_UNTIL)
    for mapping in server.get('block_device_mapping_v2') or []:
        common.fields_for_version(req, mapping, schemas.BDM_SINCE)
    check_device_tags(req, server)
    hostname = check_hostname(req, server.get('hostname'))
    block_devices, bdm_image, boots_from_volume = volume_api.parse_block_devices(
        server.get('block_device_mapping_v2'))
    image_ref = server.get('imageRef') or bdm_image
    if boots_from_volume:
        image_ref = None  # the image (if any) is in the volume already
    elif not image_ref:
        raise exception.Invalid(reason='Missing imageRef attribute')
    min_count = _count(server.get('min_count', 1), 'min_count')
    max_count = _count(server.get('max_count', min_count), 'max_count')
    if min_count > max_count:
        raise exception.Invalid(reason='min_count must be <= max_count')
    user_data = check_user_data(server.get('user_data'))
    if hostname and max_count > 1:
        raise exception.Invalid(reason='Cannot specify hostname for multiple instances.')
    zone, _, forced_host = (server.get('availability_zone') or '').partition(':')
    # 2.74: a requested host (and/or hypervisor) of the admin's choosing.
    forced_host = server.get('host') or forced_host
    build = dict(
        name=server['name'], flavor_ref=server['flavorRef'], image_ref=image_ref,
        min_count=min_count, max_count=max_count, description=server.get('description'),
        key_name=server.get('key_name'), user_data=user_data,
        metadata=server.get('metadata'), availability_zone=zone or None,
        forced_host=forced_host or None,
        scheduler_hints=(body.get('os:scheduler_hints')
                         or body.get('OS-SCH-HNT:scheduler_hints') or {}),
        requested_networks=server.get('networks'),
        # As nova: an entry without a name is skipped, a repeated name counts once.
        security_groups=list(dict.fromkeys(
            g['name'] for g in server.get('security_groups') or [] if g.get('name'))),
        tags=server.get('tags') or [], access_ip_v4=server.get('accessIPv4'),
        access_ip_v6=server.get('accessIPv6'),
        config_drive=server.get('config_drive') in (True, 'true', 'True'),
        auto_disk_config=server.get('OS-DCF:diskConfig') == 'AUTO',
        block_devices=block_devices, hostname=hostname,
        trusted_certs=server.get('trusted_image_certificates'),
        hypervisor_hostname=server.get('hypervisor_hostname'),
        supports_multiattach=req.at_least(60))
    server['return_reservation_id'] = common.bool_param(
        server.get('return_reservation_id', False), 'return_reservation_id')
    return server, build


def create(req):
    context = req.context
    server, build = _validate_create(req)
    policies.authorize(context, 'servers:create')
    if server.get('host') or server.get('hypervisor_hostname'):
        policies.authorize(context, 'servers:create:requested_destination')
    elif build['forced_host']:
        policies.authorize(context, 'servers:create:forced_host')
    build['any_server_group'] = policies.authorize(
        context, 'servers:create:any_server_group', do_raise=False)
    instances = compute_api.create(context, **build)
    first = instances[0]
    if server['return_reservation_id']:
        return router.Response({'reservation_id': first.reservation_id}, 202)
    admin_pass = server.get('adminPass') or secrets.token_urlsafe(9)
    return router.Response({'server': views.created(req, first, admin_pass)}, 202,
                           {'Location': '%s/v2.1/servers/%s' % (req.host_url, first.uuid)})


# -- list and show -----------------------------------------------------------

def _filters(req):
    context = req.context
    params = req.params
    is_admin = policies.authorize(context, 'servers:index:get_all_tenants', do_raise=False)
    all_filters = policies.authorize(context, 'servers:allow_all_filters', do_raise=False)
    filters = {}
    all_tenants = params.get('all_tenants')
    if all_tenants is not None and all_tenants != '' and \
            not common.bool_param(all_tenants, 'all_tenants'):
        all_tenants = None
    if all_tenants is not None and not is_admin:
        raise exception.base.PolicyNotAuthorized(
            action='os_compute_api:servers:index:get_all_tenants')
    # As nova: a project (tenant_id or project_id) is honoured only with
    # all_tenants; without it every caller lists its own project.
    project = params.get('project_id') or params.get('tenant_id')
    if all_tenants is None or not is_admin:
        filters['project_id'] = context.project_id
    elif project:
        filters['project_id'] = project
    for key in _ADMIN_ONLY_FILTERS:
        if params.get(key) and all_filters:
            filters[key] = params[key]
    # 2.83: a project's members filter their own servers by these too.
    patterns = {}
    for key in MEMBER_FILTERS_2_83:
        if params.get(key) and (all_filters or req.at_least(83)):
            if key in _EXACT_2_83:
                filters[key] = params[key]
            else:
                patterns[key] = params[key]
    if patterns:
        filters['patterns'] = patterns
    if all_filters:
        if params.get('deleted') and common.bool_param(params['deleted'], 'deleted'):
            filters['deleted'] = True
    if params.get('name'):
        filters['name'] = params['name']
    for key in ('ip', 'ip6'):
        if params.get(key):
            filters[key] = params[key]
    if params.get('reservation_id'):
        filters['reservation_id'] = params['reservation_id']
    status = params.getall('status') if hasattr(params, 'getall') else [params.get('status')]
    status = [s.upper() for s in status if s]
    if status:
        states = set()
        for value in status:
            if value not in views.STATUS_TO_VM_STATE:
                return None
            states.update(views.STATUS_TO_VM_STATE[value])
        filters['vm_state'] = sorted(states)
        if 'DELETED' in status and all_filters:
            filters['deleted'] = True
    if params.get('image'):
        filters['image_ref'] = params['image'].rstrip('/').rsplit('/', 1)[-1]
    if params.get('flavor'):
        filters['flavor_id'] = params['flavor'].rstrip('/').rsplit('/', 1)[-1]
    for name, key, minor in (('changes-since', 'changes_since', 1),
                             ('changes-before', 'changes_before', 66)):
        value = params.get(name) or params.get(key)
        if value and req.at_least(minor):
            try:
                filters[key] = timeutils.normalize_time(
                    timeutils.parse_isotime(value)).isoformat()
            except ValueError:
                raise exception.Invalid(reason='Invalid %s value' % name)
            filters['deleted'] = None
    if filters.get('changes_since', '') > filters.get('changes_before', '\uffff'):
        raise exception.Invalid(reason='The value of changes-since must be less than or '
                                       'equal to changes-before.')
    if req.at_least(73) and params.get('locked'):
        filters['locked'] = common.bool_param(params['locked'], 'locked')
    if req.at_least(26):
        for key, name in (('tags', 'tags'), ('tags-any', 'tags_any')):
            if params.get(key):
                filters[name] = params[key].split(',')
    return filters


def _check_list_query(req):
    """From 2.75 a query parameter nova's list schema does not name (at the
    request's microversion) or a sort_key it does not offer is a 400, as its
    schema says; before 2.75 they are ignored."""
    if not req.at_least(75):
        return
    for name in req.params:
        since = schemas.LIST_QUERY_SINCE.get(name)
        if since is None or not req.at_least(since):
            raise exception.Invalid(reason="Invalid input for query parameters %s: "
                                           "additional properties are not allowed" % name)
    for key in req.params.getall('sort_key'):
        if key not in schemas.LIST_SORT_KEYS_2_75:
            raise exception.Invalid(reason="Invalid input for query parameters sort_key. "
                                           "Value: %s." % key)


def _list(req, detailed):
    _check_list_query(req)
    policies.authorize(req.context, 'servers:detail' if detailed else 'servers:index')
    limit, marker = common.limit_and_marker(req)
    filters = _filters(req)
    if filters is None:
        return {'servers': []}
    sort_keys = req.params.getall('sort_key') or ['created_at']
    sort_dirs = req.params.getall('sort_dir') or ['desc'] * len(sort_keys)
    if any(d not in ('asc', 'desc') for d in sort_dirs):
        raise exception.Invalid(reason='Invalid sort direction')
    sort_dirs = (sort_dirs + [sort_dirs[-1]] * len(sort_keys))[:len(sort_keys)]
    instances = inst_obj.decode_listing(inst_obj.InstanceList.get_listing(
        req.context, filters, sort_keys, sort_dirs, limit, marker, with_faults=detailed))
    if detailed:
        permissions = _permissions(req, instances[0]) if instances else None
        services = compute_api.compute_services(req.context) if permissions and permissions[1] else {}
        volumes = volume_api.mappings(req.context, [i.uuid for i in instances])
        items = [render(req, i, services, permissions, volumes, single=False)
                 for i in instances]
    else:
        items = [views.basic(req, i) for i in instances]
    body = {'servers': items}
    links = common.next_link(req, 'servers' + ('/detail' if detailed else ''), items, limit)
    if links:
        body['servers_links'] = links
    return body


def index(req):
    return _list(req, False)


def detail(req):
    return _list(req, True)


def show(req, server_id):
    instance = get_instance(req, server_id, with_fault=True)
    policies.authorize(req.context, 'servers:show', target(instance))
    return {'server': render(req, instance)}


def update(req, server_id):
    body = common.validate(schemas.update, req.body)['server']
    instance = get_instance(req, server_id)
    policies.authorize(req.context, 'servers:update', target(instance))
    common.fields_for_version(req, body, schemas.UPDATE_SINCE)
    if 'hostname' in body:
        instance.hostname = check_hostname(req, body['hostname'])
    if 'name' in body:
        instance.display_name = body['name']
    if 'description' in body:
        instance.display_description = body['description']
    if 'OS-DCF:diskConfig' in body:
        instance.auto_disk_config = body['OS-DCF:diskConfig'] == 'AUTO'
    if 'accessIPv4' in body:
        instance.access_ip_v4 = access_ip(body['accessIPv4'])
    if 'accessIPv6' in body:
        instance.access_ip_v6 = access_ip(body['accessIPv6'])
    instance.save()
    instance = get_instance(req, server_id, with_fault=True)
    return {'server': render_updated(req, instance)}


def check_not_locked(req, instance):
    if instance.locked and not req.context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance.uuid)


def _lock_role(req):
    return 'admin' if req.context.is_admin else 'owner'


def delete(req, server_id):
    instance = get_instance(req, server_id)
    policies.authorize(req.context, 'servers:delete', target(instance))
    check_not_locked(req, instance)
    if not compute_api.soft_delete(req.context, instance):
        compute_api.delete(req.context, instance)
    return router.Response(None, 204)
