"""Steward Hub: the insurer-side server stewards sync to (installed with the `hub` extra)."""
