"""Steward (环保管家): the offline field tool for environmental stewards."""

__version__ = "0.1.0"
