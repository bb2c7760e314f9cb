"""The container server: container databases and their object listings."""
