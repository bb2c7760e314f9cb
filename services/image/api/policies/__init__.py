"""Image API policy, defaults in code (operators may override any rule)."""

from oslo_policy import policy

from common import policy as common_policy

READER = 'role:reader or role:member or role:admin'
OWNER_MEMBER = 'role:admin or (role:member and project_id:%(project_id)s)'


def _rule(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        'image:%s' % name, check, description, [{'method': method, 'path': path}])


RULES = [
    _rule('add_image', OWNER_MEMBER, 'Create an image.', 'POST', '/v2/images'),
    _rule('get_images', READER, 'List images.', 'GET', '/v2/images'),
    _rule('get_image', READER, 'Show an image.', 'GET', '/v2/images/{image_id}'),
    _rule('modify_image', OWNER_MEMBER, 'Update an image.', 'PATCH',
          '/v2/images/{image_id}'),
    _rule('publicize_image', 'role:admin', 'Make an image public.', 'PATCH',
          '/v2/images/{image_id}'),
    _rule('communitize_image', OWNER_MEMBER, 'Make an image a community image.',
          'PATCH', '/v2/images/{image_id}'),
    _rule('delete_image', OWNER_MEMBER, 'Delete an image.', 'DELETE',
          '/v2/images/{image_id}'),
    _rule('upload_image', OWNER_MEMBER, 'Upload or stage image data.', 'PUT',
          '/v2/images/{image_id}/file'),
    _rule('download_image', READER, 'Download image data.', 'GET',
          '/v2/images/{image_id}/file'),
    _rule('import_image', OWNER_MEMBER, 'Import staged image data.', 'POST',
          '/v2/images/{image_id}/import'),
    _rule('deactivate', OWNER_MEMBER, 'Deactivate an image.', 'POST',
          '/v2/images/{image_id}/actions/deactivate'),
    _rule('reactivate', OWNER_MEMBER, 'Reactivate an image.', 'POST',
          '/v2/images/{image_id}/actions/reactivate'),
    _rule('add_member', OWNER_MEMBER, 'Share an image with a project.', 'POST',
          '/v2/images/{image_id}/members'),
    _rule('get_members', READER, 'List image members.', 'GET',
          '/v2/images/{image_id}/members'),
    _rule('get_member', READER, 'Show an image member.', 'GET',
          '/v2/images/{image_id}/members/{member_id}'),
    _rule('modify_member', 'role:admin or (role:member and project_id:%(member_id)s)',
          'Accept or reject a shared image (the member project).', 'PUT',
          '/v2/images/{image_id}/members/{member_id}'),
    _rule('delete_member', OWNER_MEMBER, 'Stop sharing an image with a project.', 'DELETE',
          '/v2/images/{image_id}/members/{member_id}'),
]

_ENFORCERS = {}


def get_enforcer(conf):
    owner, enforcer = _ENFORCERS.get(id(conf), (None, None))
    if owner is not conf:
        enforcer = common_policy.make_enforcer(conf, RULES, conf.image.policy_file)
        _ENFORCERS[id(conf)] = (conf, enforcer)
    return enforcer


def reset():
    _ENFORCERS.clear()


def authorize(conf, context, action, target=None):
    common_policy.authorize(get_enforcer(conf), context, 'image:%s' % action, target)


def list_rules():
    return common_policy.BASE_RULES + RULES
