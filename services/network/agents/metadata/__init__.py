"""The metadata path: namespace proxies and alto-metadata-agent."""
