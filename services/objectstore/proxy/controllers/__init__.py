"""One controller per resource: account, container, object, and /info."""
