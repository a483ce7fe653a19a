"""`make bench`: every benchmark, each printing its own table."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import photo_import, queries, rating_list, report, sync, ui

if __name__ == "__main__":
    photo_import.main()
    queries.main(500, 156)
    rating_list.main(500, 156, 7)
    ui.main()
    report.main()
    sync.main()
