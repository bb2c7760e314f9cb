"""Object storage: a Swift-compatible Object Storage API.

Daemons follow Swift's design rather than the conductor pattern: rings map
names to devices, account/container/object servers keep the data on their
devices (objects as files, listings in per-partition SQLite databases) and
the proxy routes each request to the replicas the rings name.
"""
