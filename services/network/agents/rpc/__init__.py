"""The versioned RPC between the network conductor and its agents."""
