"""alto-ovs-agent: Open vSwitch wiring of the host's br-int."""
