"""A real Steward Hub (uvicorn) on 127.0.0.1 for tests, started and stopped as a child process (tests/processes.py:
its own process group; conftest ends it if a test does not)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests import processes

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    def __init__(
        self, data_dir: Path, port: int | None = None, args: tuple[str, ...] = (), db_url: str | None = None
    ) -> None:
        """db_url: the hub's PostgreSQL database (None: hub.db in data_dir)."""
        self.data_dir, self.port, self.db_url = data_dir, port or free_port(), db_url
        self.args = ("--db", db_url, *args) if db_url else args

        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - the hub writes to it for as long as it runs

    @property
    def storage_args(self) -> list[str]:
        """The hub's place for a `steward hub ...` command: its data directory, and its database if not hub.db."""
        return ["--data-dir", str(self.data_dir), *(["--db", self.db_url] if self.db_url else [])]

    def start(self) -> Hub:
        args = [sys.executable, "-m", "steward.cli.main", "hub", "serve", "--data-dir", str(self.data_dir)]
        self.process = processes.spawn(
            [*args, "--port", str(self.port), *self.args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=self.log,  # a file, not a pipe: a pipe nobody reads stops a chatty server once it is full
        )
        deadline = time.monotonic() + 60  # a guard against a hub that never comes up, not a measure of speed
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/openapi.json", timeout=1).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(self.log.read().decode(errors="replace") or "hub died") from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("hub did not start")

    def kill(self) -> None:
        """SIGKILL, as a crash or power cut would."""
        if self.process:
            processes.kill(self.process)

    def stop(self) -> None:
        if self.process:
            processes.end(self.process)


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
