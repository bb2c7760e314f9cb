"""The L3 agent: routers in qrouter- namespaces."""
