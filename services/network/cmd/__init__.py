"""Daemon entry points of the network service."""
