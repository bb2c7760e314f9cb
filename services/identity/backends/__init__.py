"""Storage drivers of the identity service.

``base`` defines one abstract driver per concern; ``memory`` and ``sql``
implement all of them, ``templated`` implements the catalog from a file.
The same contract test suite runs against every implementation.
"""
