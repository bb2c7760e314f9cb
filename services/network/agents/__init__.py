"""Agent-facing side of the network service (the agents themselves live in
the data-plane packages next to this one)."""
