"""The desktop app (PySide6). The only package that imports Qt; it changes data only through steward.services."""

from steward.ui.pyside_workarounds import shield_none_from_void_calls, shield_true_from_emit

# Before any widget of ours emits or is set up: see the functions' docstrings.
shield_true_from_emit()
shield_none_from_void_calls()
