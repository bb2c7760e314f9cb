"""Daemon entry points of the network service."""

import gc


def settle_startup_heap():
    """Move everything loaded at start-up out of the garbage collector's way.

    A large listing allocates some 100,000 short-lived objects, which sets off
    full collections; without this each one also walks the whole start-up heap
    (libraries, configuration, SQLAlchemy metadata): a third of a 2000-port
    listing's time in the conductor. Called before workers fork, so the frozen
    pages also stay shared between them.
    """
    gc.collect()
    gc.freeze()
