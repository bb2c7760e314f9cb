"""Shapes metadata definitions as the Image v2 API shows them."""

import urllib.parse

from services.image.api.views.images import isotime

NS_ROOT = '/v2/metadefs/namespaces'


def _quote(name):
    return urllib.parse.quote(name, safe=':')


def _stamps(values):
    return {'created_at': isotime(values['created_at']),
            'updated_at': isotime(values['updated_at'])}


def _prefixed(properties, prefix):
    return {(prefix or '') + name: body for name, body in properties.items()}


def namespace(values, associations=(), children=None, prefix=None):
    body = {k: values[k] for k in ('namespace', 'display_name', 'description', 'visibility',
                                   'protected', 'owner') if values[k] is not None}
    body.update(_stamps(values))
    body['schema'] = '/v2/schemas/metadefs/namespace'
    body['self'] = '%s/%s' % (NS_ROOT, _quote(values['namespace']))
    if associations:
        body['resource_type_associations'] = [association(a) for a in associations]
    if children:
        if children['property']:
            body['properties'] = _prefixed(
                {p['name']: p['body'] for p in children['property']}, prefix)
        if children['object']:
            body['objects'] = [obj(values['namespace'], o, prefix, link=False)
                               for o in children['object']]
        if children['tag']:
            body['tags'] = [{'name': t['name']} for t in children['tag']]
    return body


def namespaces(rows, associations, next_marker=None, query=None):
    body = {'namespaces': [namespace(r, associations.get(r['id'])) for r in rows],
            'first': NS_ROOT, 'schema': '/v2/schemas/metadefs/namespaces'}
    if next_marker is not None:
        params = dict(query or {}, marker=next_marker)
        body['next'] = '%s?%s' % (NS_ROOT, urllib.parse.urlencode(params))
    return body


def association(values):
    body = {'name': values['name']}
    for key in ('prefix', 'properties_target'):
        if values.get(key) is not None:
            body[key] = values[key]
    body.update(_stamps(values))
    return body


def associations(rows):
    return {'resource_type_associations': [association(a) for a in rows]}


def resource_types(rows):
    return {'resource_types': [tag(r) for r in rows]}


def obj(ns_name, values, prefix=None, link=True):
    body = {'name': values['name']}
    definition = values['body']
    if definition.get('description') is not None:
        body['description'] = definition['description']
    body['required'] = [(prefix or '') + r for r in definition.get('required', [])]
    body['properties'] = _prefixed(definition.get('properties', {}), prefix)
    body.update(_stamps(values))
    if link:
        body['schema'] = '/v2/schemas/metadefs/object'
        body['self'] = '%s/%s/objects/%s' % (NS_ROOT, _quote(ns_name), _quote(values['name']))
    return body


def objects(ns_name, rows):
    return {'objects': [obj(ns_name, r) for r in rows],
            'schema': '/v2/schemas/metadefs/objects'}


def prop(values, prefix=None):
    return dict(values['body'], name=(prefix or '') + values['name'])


def properties(rows):
    return {'properties': {r['name']: r['body'] for r in rows},
            'schema': '/v2/schemas/metadefs/properties'}


def tag(values):
    return dict({'name': values['name']}, **_stamps(values))


def tags(rows):
    return {'tags': [tag(r) for r in rows], 'schema': '/v2/schemas/metadefs/tags'}


def created_tags(rows):
    """The answer to ``POST .../tags``: names only, as glance."""
    return {'tags': [{'name': t['name']} for t in rows]}
