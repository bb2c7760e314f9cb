"""What the object store's daemons share: timestamps, the backend HTTP
client, the request path, listings and the SQLite database files."""
