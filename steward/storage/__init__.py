"""SQLite through sqlite-utils, its migrations and the photo store: the only layer that knows SQL."""
