"""Response bodies of the placement API, shaped by microversion."""

BASE = '/resource_providers/%s'


def provider(req, p):
    uuid = p['uuid']
    links = [{'rel': 'self', 'href': BASE % uuid},
             {'rel': 'inventories', 'href': BASE % uuid + '/inventories'},
             {'rel': 'usages', 'href': BASE % uuid + '/usages'}]
    if req.at_least(1):
        links.append({'rel': 'aggregates', 'href': BASE % uuid + '/aggregates'})
    if req.at_least(6):
        links.append({'rel': 'traits', 'href': BASE % uuid + '/traits'})
    if req.at_least(11):
        links.append({'rel': 'allocations', 'href': BASE % uuid + '/allocations'})
    body = {'uuid': uuid, 'name': p['name'], 'generation': p['generation'], 'links': links}
    if req.at_least(14):
        body['parent_provider_uuid'] = p['parent_provider_uuid']
        body['root_provider_uuid'] = p['root_provider_uuid']
    return body


def providers(req, items):
    return {'resource_providers': [provider(req, p) for p in items]}


def inventory(generation, inv):
    return dict(inv, resource_provider_generation=generation)


def allocations(req, found):
    """A consumer's allocations."""
    body = {'allocations': {
        uuid: {'generation': alloc['generation'], 'resources': alloc['resources']}
        for uuid, alloc in found['allocations'].items()}}
    if req.at_least(12) and found['allocations']:
        body['project_id'] = found['project_id']
        body['user_id'] = found['user_id']
    if req.at_least(28) and found['allocations']:
        body['consumer_generation'] = found['consumer_generation']
    if req.at_least(38) and found['allocations']:
        body['consumer_type'] = found['consumer_type']
    return body


def candidates(req, found):
    requests = []
    for item in found['allocation_requests']:
        if req.at_least(12):
            request = {'allocations': {item['uuid']: {'resources': item['resources']}}}
        else:
            request = {'allocations': [{'resource_provider': {'uuid': item['uuid']},
                                        'resources': item['resources']}]}
        if req.at_least(34):
            request['mappings'] = {'': [item['uuid']]}
        requests.append(request)
    summaries = {}
    for uuid, summary in found['provider_summaries'].items():
        resources = summary['resources']
        if not req.at_least(27):
            resources = {rc: v for rc, v in resources.items() if rc in summary['requested']}
        entry = {'resources': resources}
        if req.at_least(17):
            entry['traits'] = summary['traits']
        if req.at_least(29):
            entry['parent_provider_uuid'] = summary['parent_provider_uuid']
            entry['root_provider_uuid'] = summary['root_provider_uuid']
        summaries[uuid] = entry
    return {'allocation_requests': requests, 'provider_summaries': summaries}
