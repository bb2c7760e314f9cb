"""``alto-objectstore-proxy``: the Object Storage API (port 8080, /v1/AUTH_<project>)."""
