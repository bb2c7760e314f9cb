"""Shapes tasks as the Image v2 API shows them."""

from services.image.api.views.images import isotime

SUMMARY = ('id', 'type', 'status', 'owner')


def _common(values):
    body = {k: values[k] for k in SUMMARY}
    body.update(created_at=isotime(values['created_at']),
                updated_at=isotime(values['updated_at']),
                self='/v2/tasks/%s' % values['id'])
    if values['expires_at']:
        body['expires_at'] = isotime(values['expires_at'])
    return body


def task(values):
    body = _common(values)
    body.update(input=values['input'], result=values['result'],
                message=values['message'], schema='/v2/schemas/task')
    return body


def image_tasks(rows, image_id):
    """``GET /v2/images/{id}/tasks``: the full tasks, each naming its image."""
    return {'tasks': [dict(task(r), image_id=image_id) for r in rows]}


def tasks(rows, next_marker=None):
    body = {'tasks': [dict(_common(r), schema='/v2/schemas/task') for r in rows],
            'first': '/v2/tasks', 'schema': '/v2/schemas/tasks'}
    if next_marker:
        body['next'] = '/v2/tasks?marker=%s' % next_marker
    return body
