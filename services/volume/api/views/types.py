"""Volume type bodies."""


def detail(req, vtype, with_specs=True):
    body = {'id': vtype['id'], 'name': vtype['name'], 'description': vtype['description'],
            'is_public': vtype['is_public'],
            'os-volume-type-access:is_public': vtype['is_public'],
            'qos_specs_id': vtype.get('qos_specs_id')}
    if with_specs:
        body['extra_specs'] = vtype['extra_specs']
    return body
