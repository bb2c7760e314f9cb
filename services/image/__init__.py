"""Image service: a glance-compatible Image v2 API."""
