"""Every screen and dialog at 1280x720, in both themes: no button cut off, outside its window or under 40 px.

A child process draws them on a 1280x720 offscreen screen (the size is fixed when Qt starts) and saves a PNG of
each beside its report, for a person to look at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREEN = {
    "screens": [
        {
            "name": "laptop",
            "x": 0,
            "y": 0,
            "width": 1280,
            "height": 720,
            "logicalDpi": 96,
            "logicalBaseDpi": 96,
            "dpr": 1,
        }
    ]
}


@pytest.mark.slow
def test_every_screen_fits_1280x720_in_both_themes(tmp_path: Path, park_folder: Path) -> None:
    """On a copy of the UI tests' demo park (made once per test run), not a demo of its own made in the child."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(SCREEN), encoding="utf-8")
    shots = tmp_path / "shots"
    shots.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.layout_worker", str(park_folder), str(shots), "park"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(report) == 36  # eighteen screens and dialogs, two themes
    clipped = {screen: found for screen, found in report.items() if found}
    assert clipped == {}
    assert len(list(shots.glob("*.png"))) == 36
