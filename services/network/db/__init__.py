"""The network database: models and migrations. Only the conductor imports it."""
