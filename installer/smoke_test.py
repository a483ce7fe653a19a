"""Smoke test of a built Steward (the frozen folder, or the installed .deb): on a fresh data folder, through the
built executable only, make the demo, check it, print a notice, and open the main window offscreen.

    python installer/smoke_test.py dist/steward/steward       # the PyInstaller build
    python installer/smoke_test.py /usr/bin/steward           # after `dpkg -i`

Exits non-zero on the first failure; the last line is the usual "N passed, N failed"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def main(executable: str) -> int:
    executable = str(Path(executable).absolute())  # the steps run in the data folder
    data = Path(tempfile.mkdtemp(prefix="steward-smoke-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    env.pop("STEWARD_DATA_DIR", None)

    def steward(*args: str) -> str:
        done = subprocess.run(
            [executable, "--data-dir", str(data), "--profile", "smoke", *args],
            cwd=data,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise AssertionError(f"steward {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def demo() -> None:
        steward("demo", "--enterprises", "3", "--weeks", "3")

    def check() -> None:
        assert "档案完好" in steward("check")

    def notice() -> None:
        findings = json.loads(steward("findings", "list", "--json"))
        assert findings, "the demo has findings"
        target = data / "notice.pdf"
        steward("report", "notice", "--visit", findings[0]["visit_id"], "-o", str(target))
        pdf = target.read_bytes()
        assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf, "a PDF with its font embedded"

    def window() -> None:
        assert "main window shown" in steward("--quit-after-start")

    def version() -> None:
        done = subprocess.run([executable, "--version"], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0 and done.stdout.startswith("Steward "), done.stdout + done.stderr

    steps: list[Callable[[], None]] = [version, demo, check, notice, window]
    passed = failed = 0
    for step in steps:
        try:
            step()
        except Exception as exc:
            failed += 1
            print(f"FAIL {step.__name__}: {exc}", flush=True)
            break
        passed += 1
        print(f"ok   {step.__name__}", flush=True)
    print(f"smoke: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
