"""JSON schemas of the request bodies, one function per resource."""
