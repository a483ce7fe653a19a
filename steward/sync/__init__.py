"""Sync between a laptop profile and Steward Hub: the wire format, the client, and the sync itself."""
