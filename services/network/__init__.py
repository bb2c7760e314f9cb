"""The network service: a neutron-compatible Networking v2.0 control plane."""
