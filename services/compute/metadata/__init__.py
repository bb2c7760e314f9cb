"""Instance metadata: the documents (content), the config drive that carries
them (configdrive) and the metadata service that serves them (handler)."""
