"""python main.py starts the desktop app (same as `steward` with no subcommand)."""

import multiprocessing
import sys

from steward.cli.main import main

if __name__ == "__main__":
    # A frozen build's batch export starts worker processes from this executable: let them run as workers.
    multiprocessing.freeze_support()
    sys.exit(main(sys.argv[1:]))
