"""The `steward` command line: the same use cases as the app, for scripts and the office batch."""
