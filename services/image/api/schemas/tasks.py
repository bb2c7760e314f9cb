"""Task schemas: served at /v2/schemas/task(s) and validating POST /v2/tasks."""

STATUSES = ['pending', 'processing', 'success', 'failure']

TASK = {
    'name': 'task',
    'type': 'object',
    'properties': {
        'id': {'type': 'string', 'description': 'An identifier for the task',
               'pattern': '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}'
                          '-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'},
        'type': {'type': 'string', 'enum': ['import'],
                 'description': 'The type of task represented by this content'},
        'status': {'type': 'string', 'enum': STATUSES,
                   'description': 'The current status of this task'},
        'input': {'type': 'object', 'description': 'The parameters required by task, '
                                                   'JSON blob'},
        'result': {'type': ['null', 'object'], 'description': 'The result of current '
                                                              'task, JSON blob'},
        'owner': {'type': ['null', 'string'], 'description': 'An identifier for the '
                                                             'owner of this task'},
        'message': {'type': 'string', 'description': 'Human-readable informative message '
                                                     'only included when appropriate '
                                                     '(usually on failure)'},
        'expires_at': {'type': ['null', 'string'], 'description': 'Datetime when this '
                                                                  'resource would be '
                                                                  'subject to removal'},
        'created_at': {'type': 'string', 'description': 'Datetime when this resource was '
                                                        'created'},
        'updated_at': {'type': 'string', 'description': 'Datetime when this resource was '
                                                        'updated'},
        'self': {'type': 'string'},
        'schema': {'type': 'string'},
    },
    'required': ['type', 'input'],
    'links': [{'rel': 'self', 'href': '{self}'},
              {'rel': 'describedby', 'href': '{schema}'}],
}

TASKS = {
    'name': 'tasks',
    'type': 'object',
    'properties': {
        'tasks': {'type': 'array', 'items': {
            'name': 'task', 'type': 'object',
            'properties': {k: v for k, v in TASK['properties'].items()
                           if k not in ('input', 'result')}}},
        'schema': {'type': 'string'},
        'next': {'type': 'string'},
        'first': {'type': 'string'},
    },
    'links': [{'rel': 'first', 'href': '{first}'}, {'rel': 'next', 'href': '{next}'},
              {'rel': 'describedby', 'href': '{schema}'}],
}

TASK_CREATE = {
    'type': 'object',
    'required': ['type', 'input'],
    'properties': {
        'type': {'type': 'string', 'enum': ['import']},
        'input': {
            'type': 'object',
            'required': ['import_from', 'image_properties'],
            'properties': {
                'import_from': {'type': 'string', 'minLength': 1},
                'import_from_format': {'type': 'string'},
                'image_properties': {'type': 'object'},
            },
        },
    },
}
