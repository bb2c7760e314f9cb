"""The Identity v3 REST API (pecan)."""
