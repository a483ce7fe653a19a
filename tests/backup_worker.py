"""Child process of test_backup.py: backs a profile up and SIGKILLs itself after KILL_AFTER files were copied, the
way a flat battery or a killed process stops a backup halfway."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from steward.services import backup
from steward.services.profiles import open_profile


def main(data_dir: str, kill_after: int) -> None:
    profile = open_profile(data_dir, "field")

    def progress(done: int, _total: int) -> None:
        if done >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    backup.back_up(profile, Path(data_dir) / "backups", "manual", progress)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
