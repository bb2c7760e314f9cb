"""JSON schemas of the request bodies, one module per resource.

Every schema is a module constant: request validation caches one validator
per schema object, so a schema built per request would cost a validator
build on every call.  Callers must not change them.
"""
