"""JSON schemas for the image proxy's metadata requests."""

from services.compute.api.schemas import types

# No item count: more than [quota] metadata_items is the handler's 403, as nova.
_metadata = {k: v for k, v in types.metadata.items() if k != 'maxProperties'}
metadata = {'type': 'object', 'properties': {'metadata': _metadata},
            'required': ['metadata'], 'additionalProperties': False}
meta_item = {'type': 'object',
             'properties': {'meta': dict(_metadata, minProperties=1, maxProperties=1)},
             'required': ['meta'], 'additionalProperties': False}
