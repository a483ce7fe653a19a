"""python main.py starts the desktop app (same as `steward` with no subcommand)."""

import sys

from steward.cli.main import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
