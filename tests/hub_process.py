"""A real Steward Hub (uvicorn) on 127.0.0.1 for tests, started and stopped as a child process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    def __init__(self, data_dir: Path, port: int | None = None, args: tuple[str, ...] = ()) -> None:
        self.data_dir, self.port, self.args = data_dir, port or free_port(), args
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Hub:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "steward.cli.main", "hub", "serve", "--data-dir", str(self.data_dir),
             "--port", str(self.port), *self.args],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/openapi.json", timeout=1).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        self.process.stderr.read().decode() if self.process.stderr else "hub died"
                    ) from None
                time.sleep(0.1)
        raise RuntimeError("hub did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def plant_raw(store: object, entity: str, rid: str, body: dict) -> None:
    """Put a record on the hub as a hub from before validation, a damaged hub or a hostile one might hold it:
    straight into its table, past the models that guard the API, so the laptop's own defences are what is tested."""
    import json
    from datetime import UTC, datetime

    from steward.sync.wire import content_hash

    with store.transaction() as conn:  # type: ignore[attr-defined]
        conn.execute("DELETE FROM records WHERE entity = ? AND id = ?", [entity, rid])
        conn.execute(
            "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
            "VALUES (?, ?, 0, 'hub', ?, ?, ?)",
            [entity, rid, content_hash(body), json.dumps(body, ensure_ascii=False), datetime.now(UTC).isoformat()],
        )
