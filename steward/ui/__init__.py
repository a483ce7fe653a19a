"""The desktop app (PySide6). The only package that imports Qt; it changes data only through steward.services."""

from steward.ui.pyside_workarounds import shield_true_from_emit

# Before any widget of ours emits: see the function's docstring.
shield_true_from_emit()
