"""One module per collection; each has ``register(router)``."""
