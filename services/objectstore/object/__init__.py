"""The object server: object files, tombstones and container updates."""
