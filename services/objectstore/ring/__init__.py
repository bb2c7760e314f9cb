"""Rings: which devices hold the replicas of an account, container or object.

``builder`` keeps the devices and assigns partitions to them; ``ringfile``
reads and writes the compact, read-only form the servers load; ``ring``
maps names to partitions and partitions to nodes.
"""
