"""Authentication methods of ``POST /v3/auth/tokens`` and scope resolution."""
