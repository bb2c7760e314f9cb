"""One module per collection of the Identity v3 API."""
