"""The network conductor: the only process that opens the network database.

It serves the API-facing RPC (``manager.py``) and the agent-facing RPC
(``services.network.conductor.agent_manager``) and holds the plugin logic, one
small module per concern.
"""
