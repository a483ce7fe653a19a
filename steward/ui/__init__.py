"""The desktop app (PySide6). The only package that imports Qt; it changes data only through steward.services."""
