"""Shapes images and members as the Image v2 API shows them."""

CORE_FIELDS = ('id', 'name', 'status', 'visibility', 'protected', 'os_hidden', 'checksum',
               'os_hash_algo', 'os_hash_value', 'owner', 'size', 'virtual_size', 'min_ram',
               'min_disk', 'container_format', 'disk_format')


def isotime(stamp):
    return stamp.strftime('%Y-%m-%dT%H:%M:%SZ') if stamp else None


def image(values):
    body = {}
    # custom properties first so a core field can never be shadowed by one
    body.update(values['properties'])
    body.update({name: values[name] for name in CORE_FIELDS})
    body['tags'] = list(values['tags'])
    body['created_at'] = isotime(values['created_at'])
    body['updated_at'] = isotime(values['updated_at'])
    body['self'] = '/v2/images/%s' % values['id']
    body['file'] = '/v2/images/%s/file' % values['id']
    body['schema'] = '/v2/schemas/image'
    return body


def images(rows, next_query=None):
    body = {'images': [image(r) for r in rows], 'first': '/v2/images',
            'schema': '/v2/schemas/images'}
    if next_query is not None:
        body['next'] = '/v2/images?%s' % next_query
    return body


def member(values):
    return {'image_id': values['image_id'], 'member_id': values['member_id'],
            'status': values['status'], 'created_at': isotime(values['created_at']),
            'updated_at': isotime(values['updated_at']), 'schema': '/v2/schemas/member'}


def members(rows):
    return {'members': [member(r) for r in rows], 'schema': '/v2/schemas/members'}
