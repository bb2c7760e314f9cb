"""Image API policy as data: glance's current defaults, plus the ``service`` role.

Targets (see ``core.images.ImageManager.policy_target``): ``project_id`` is the
image's owner, ``member_id`` the caller's project when the image is shared
with it (absent otherwise), ``visibility`` the image's.  Who can see an
image at all is decided first (an invisible image is a 404); the rules
below then say what each persona may do with one it can see:

* reader of the owning project, or of a project the image is shared with,
  reads it; public and community images are read by any reader;
* member of the owning project writes it and its members; a member of a
  project the image is shared with accepts or rejects the share and
  downloads the data;
* admin does everything; only admin makes an image public;
* ``service`` (compute's service user acting on its own, e.g. cleaning up
  a snapshot) reads, downloads, creates, uploads and deletes any image.
"""

from oslo_policy import policy

from common import policy as common_policy

ADMIN = 'role:admin'
SERVICE = 'role:service'
PROJECT_MEMBER = 'role:member and project_id:%(project_id)s'
PROJECT_READER = 'role:reader and project_id:%(project_id)s'
_VISIBLE_TO = ('project_id:%(project_id)s or project_id:%(member_id)s or '
               '"community":%(visibility)s or "public":%(visibility)s')

ADMIN_OR_MEMBER = '%s or (%s)' % (ADMIN, PROJECT_MEMBER)
ADMIN_OR_READER = '%s or (%s)' % (ADMIN, PROJECT_READER)
ADMIN_SERVICE_OR_MEMBER = '%s or %s or (%s)' % (ADMIN, SERVICE, PROJECT_MEMBER)
GET_IMAGE = '%s or %s or (role:reader and (%s))' % (ADMIN, SERVICE, _VISIBLE_TO)
DOWNLOAD_IMAGE = '%s or %s or (role:member and (%s))' % (ADMIN, SERVICE, _VISIBLE_TO)
READER_OR_SHARED = ('%s or (role:reader and (project_id:%%(project_id)s or '
                    'project_id:%%(member_id)s))' % ADMIN)
SHARED_MEMBER = '%s or (role:member and project_id:%%(member_id)s)' % ADMIN

#: action -> (check string, method, path, description)
RULES = {
    'add_image': (ADMIN_SERVICE_OR_MEMBER, 'POST', '/v2/images', 'Create an image.'),
    'get_images': (ADMIN_OR_READER, 'GET', '/v2/images', 'List images.'),
    'get_image': (GET_IMAGE, 'GET', '/v2/images/{image_id}', 'Show an image.'),
    'modify_image': (ADMIN_OR_MEMBER, 'PATCH', '/v2/images/{image_id}', 'Update an image.'),
    'publicize_image': (ADMIN, 'PATCH', '/v2/images/{image_id}', 'Make an image public.'),
    'communitize_image': (ADMIN_OR_MEMBER, 'PATCH', '/v2/images/{image_id}',
                          'Make an image a community image.'),
    'delete_image': (ADMIN_SERVICE_OR_MEMBER, 'DELETE', '/v2/images/{image_id}',
                     'Delete an image.'),
    'upload_image': (ADMIN_SERVICE_OR_MEMBER, 'PUT', '/v2/images/{image_id}/file',
                     'Upload or stage image data.'),
    'download_image': (DOWNLOAD_IMAGE, 'GET', '/v2/images/{image_id}/file',
                       'Download image data.'),
    'import_image': (ADMIN_OR_MEMBER, 'POST', '/v2/images/{image_id}/import',
                     'Import staged image data.'),
    'deactivate': (ADMIN_OR_MEMBER, 'POST', '/v2/images/{image_id}/actions/deactivate',
                   'Deactivate an image.'),
    'reactivate': (ADMIN_OR_MEMBER, 'POST', '/v2/images/{image_id}/actions/reactivate',
                   'Reactivate an image.'),
    'add_member': (ADMIN_OR_MEMBER, 'POST', '/v2/images/{image_id}/members',
                   'Share an image with a project.'),
    'get_members': (READER_OR_SHARED, 'GET', '/v2/images/{image_id}/members',
                    'List image members (a member project sees only itself).'),
    'get_member': (READER_OR_SHARED, 'GET', '/v2/images/{image_id}/members/{member_id}',
                   'Show an image member.'),
    'modify_member': (SHARED_MEMBER, 'PUT', '/v2/images/{image_id}/members/{member_id}',
                      'Accept or reject a shared image (the member project).'),
    'delete_member': (ADMIN_OR_MEMBER, 'DELETE',
                      '/v2/images/{image_id}/members/{member_id}',
                      'Stop sharing an image with a project.'),
}

# Metadata definitions: any reader reads (visibility of private namespaces is
# decided before the check, as for images), only admins write -- glance's
# defaults.
METADEF_READ = '%s or role:reader' % ADMIN
_NS = '/v2/metadefs/namespaces/{namespace_name}'
for _action, _method, _path, _what in (
        ('get_metadef_namespaces', 'GET', '/v2/metadefs/namespaces', 'List namespaces.'),
        ('get_metadef_namespace', 'GET', _NS, 'Show a namespace.'),
        ('get_metadef_objects', 'GET', _NS + '/objects', 'List objects.'),
        ('get_metadef_object', 'GET', _NS + '/objects/{object_name}', 'Show an object.'),
        ('get_metadef_properties', 'GET', _NS + '/properties', 'List properties.'),
        ('get_metadef_property', 'GET', _NS + '/properties/{property_name}',
         'Show a property.'),
        ('get_metadef_tags', 'GET', _NS + '/tags', 'List tags.'),
        ('get_metadef_tag', 'GET', _NS + '/tags/{tag_name}', 'Show a tag.'),
        ('list_metadef_resource_types', 'GET', '/v2/metadefs/resource_types',
         'List resource types.'),
        ('get_metadef_resource_type', 'GET', _NS + '/resource_types',
         'List the resource types of a namespace.')):
    RULES[_action] = (METADEF_READ, _method, _path, _what)
for _action, _method, _path, _what in (
        ('add_metadef_namespace', 'POST', '/v2/metadefs/namespaces', 'Create a namespace.'),
        ('modify_metadef_namespace', 'PUT', _NS, 'Update a namespace.'),
        ('delete_metadef_namespace', 'DELETE', _NS, 'Delete a namespace.'),
        ('add_metadef_object', 'POST', _NS + '/objects', 'Create an object.'),
        ('modify_metadef_object', 'PUT', _NS + '/objects/{object_name}', 'Update an object.'),
        ('delete_metadef_object', 'DELETE', _NS + '/objects/{object_name}',
         'Delete an object (or all of them).'),
        ('add_metadef_property', 'POST', _NS + '/properties', 'Create a property.'),
        ('modify_metadef_property', 'PUT', _NS + '/properties/{property_name}',
         'Update a property.'),
        ('remove_metadef_property', 'DELETE', _NS + '/properties/{property_name}',
         'Delete a property (or all of them).'),
        ('add_metadef_tag', 'POST', _NS + '/tags/{tag_name}', 'Create a tag.'),
        ('add_metadef_tags', 'POST', _NS + '/tags', 'Create tags.'),
        ('modify_metadef_tag', 'PUT', _NS + '/tags/{tag_name}', 'Update a tag.'),
        ('delete_metadef_tag', 'DELETE', _NS + '/tags/{tag_name}', 'Delete a tag.'),
        ('delete_metadef_tags', 'DELETE', _NS + '/tags', 'Delete all tags.'),
        ('add_metadef_resource_type_association', 'POST', _NS + '/resource_types',
         'Associate a resource type.'),
        ('remove_metadef_resource_type_association', 'DELETE',
         _NS + '/resource_types/{name}', 'Dissociate a resource type.')):
    RULES[_action] = (ADMIN, _method, _path, _what)

# Tasks: admins only (glance's tasks_api_access default).
for _action, _method, _path, _what in (
        ('get_task', 'GET', '/v2/tasks/{task_id}', 'Show a task.'),
        ('get_tasks', 'GET', '/v2/tasks', 'List tasks.'),
        ('add_task', 'POST', '/v2/tasks', 'Create a task.')):
    RULES[_action] = (ADMIN, _method, _path, _what)

DEFAULTS = [
    policy.DocumentedRuleDefault('image:%s' % name, check, description,
                                 [{'method': method, 'path': path}])
    for name, (check, method, path, description) in sorted(RULES.items())]

_ENFORCERS = {}


def get_enforcer(conf):
    owner, enforcer = _ENFORCERS.get(id(conf), (None, None))
    if owner is not conf:
        enforcer = common_policy.make_enforcer(conf, DEFAULTS, conf.image.policy_file)
        _ENFORCERS[id(conf)] = (conf, enforcer)
    return enforcer


def reset():
    _ENFORCERS.clear()


def authorize(conf, context, action, target=None):
    """Enforce ``image:<action>``; target keys set to None are left out so
    they never match an unset credential."""
    if target is not None:
        target = {k: v for k, v in target.items() if v is not None}
    common_policy.authorize(get_enforcer(conf), context, 'image:%s' % action, target)


def list_rules():
    return common_policy.BASE_RULES + DEFAULTS
