"""Cross-service plumbing for Altostratus: config, logging, RPC, DB, WSGI, policy."""
