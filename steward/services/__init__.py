"""Use cases: what a steward does to data, called alike by the GUI and the CLI, testable without Qt."""
