"""Fernet tokens: key repository, payload format and the token provider."""
