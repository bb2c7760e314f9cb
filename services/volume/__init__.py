"""The volume service: a Block Storage (cinder) v3 compatible API."""
