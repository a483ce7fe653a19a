"""Steward Hub soak on 127.0.0.1: N laptops doing mixed syncs for a while, the hub killed (SIGKILL) and restarted
now and then, and at the end every laptop compared with the hub.

Each laptop is its own process with its own profile and token: it finishes visits with a finding, a photo and
signatures (the app renders their documents on finishing) and syncs, or syncs with nothing new (a pull of the
colleagues' work, or a no-op), with a few seconds between. A sync cut off by a killed hub is retried by the next one,
as a steward's would be. After the time is up the hub runs undisturbed, every laptop syncs until it has nothing left
to send and has pulled everything, and the script checks:

- lost: every record a laptop holds is on the hub with the same content, every file its records name is there, and
  every laptop holds every record all stewards read (visits, findings, events, enterprises);
- duplicated: the hub holds no record and no file that no laptop has, each file once (rows = files on disk, each
  file's bytes hash to its name) and no unfinished upload left behind;
- memory: the hub's RSS sampled every few seconds, first/last/max for each run of the hub between kills.

Run with `python -m bench.hub_soak [--minutes 30] [--laptops 4] [--kills 3]`. Loopback only; every process started
here is ended, also when something fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, print_table
from bench.hub_load import Hub

# What every steward reads, and the laptop's table it lands in (the soak makes no complaints or penalties).
SHARED = {"enterprise": "enterprises", "visit": "visits", "finding": "findings", "finding_event": "finding_events"}
LAPTOP_GRACE = 180.0  # seconds a laptop may take to end its last sync once the time is up
HUB_START = 180.0  # seconds a hub may take to come up on a machine busy with other work (a guard, not a measure)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SoakHub(Hub):
    """The hub of bench/hub_load.py, with its messages kept in a file beside its data (a hub that does not come up
    says why) and more time to start: this runs for long on a machine other work shares."""

    def __enter__(self) -> SoakHub:
        with open(self.data.parent / "hub.log", "ab") as log:  # the child keeps its own copy of the descriptor
            serve = ["hub", "serve", "--data-dir", str(self.data), "--port", str(self.port)]
            self.process = subprocess.Popen(
                [sys.executable, "-m", "steward.cli.main", *serve],
                cwd=self.checkout,
                env={**os.environ, "PYTHONPATH": str(self.checkout)},
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # Hub.__exit__ and the sampler find it and its workers by its group
            )
        deadline = time.monotonic() + HUB_START
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub ended with {self.process.returncode}; see {self.data.parent / 'hub.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the hub did not start within {HUB_START:.0f} s")


# -- one laptop (a child process) -----------------------------------------------------------------------------------
def open_laptop(folder: Path, steward: str) -> Any:
    from steward.services import settings
    from steward.services.profiles import open_profile

    profile = open_profile(folder, "soak")
    settings.put(profile, settings.STEWARD_NAME, steward)
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
    return profile


def finish_a_visit(profile: Any, enterprise_id: str, steward: str, rng: random.Random, scratch: Path) -> None:
    """A visit as a steward finishes it: one item not compliant, its finding with a photo, two signatures, and the
    report and notice the app renders on finishing."""
    from PIL import Image

    from steward.services import documents, photos, visits

    visit = visits.start(profile, enterprise_id, "routine", resume_draft=True)
    items = visits.items(profile, visit["id"])
    item = items[rng.randrange(len(items))]
    visits.answer(profile, visit["id"], item["id"], "not_compliant", note="现场查看")
    finding = visits.create_finding(profile, visit["id"], item["id"], location="喷漆车间")
    shot = scratch / f"{visit['id']}.jpg"
    noise = bytes(rng.getrandbits(8) for _ in range(160 * 120 * 3))  # a photo no other laptop has
    Image.frombytes("RGB", (160, 120), noise).resize((1280, 960)).save(shot, quality=85)
    photos.import_photos(
        profile, [shot], photos.LinkTarget(visit_id=visit["id"], item_id=item["id"], finding_id=finding["id"])
    )
    shot.unlink()
    signature = b"\x89PNG\r\n\x1a\n" + rng.randbytes(400)
    visits.sign(profile, visit["id"], "steward", steward, png=signature)
    visits.sign(profile, visit["id"], "representative", "企业负责人", refused=True, witness="同行管家")
    visits.finish(profile, visit["id"])
    documents.archive_visit(profile, visit["id"])


def laptop_main(folder: str, url: str, token: str, steward: str, minutes: str, seed: str) -> None:
    """Mixed syncs until the time is up; prints a JSON summary last."""
    from steward.domain.credit_code import check_character
    from steward.services import enterprises
    from steward.sync import engine
    from steward.sync.client import HubClient

    rng = random.Random(int(seed))
    deadline = time.monotonic() + float(minutes) * 60
    profile = open_laptop(Path(folder), steward)
    scratch = Path(folder) / "scratch"
    scratch.mkdir(exist_ok=True)
    code = f"91331024MA{int(seed):07d}"
    enterprise = enterprises.create(
        profile, name=f"仙居县第{seed}工艺品有限公司", credit_code=code + check_character(code), template_code="craft"
    )
    done: dict[str, Any] = {"visits": 0, "syncs": 0, "failed_syncs": 0, "pushed": 0, "pulled": 0, "errors": {}}
    client = HubClient(url, token, engine.profile_id(profile), timeout=30)
    while time.monotonic() < deadline:
        if rng.random() < 0.4:
            finish_a_visit(profile, enterprise["id"], steward, rng, scratch)
            done["visits"] += 1
        try:
            report = engine.sync(profile, client)
            done["syncs"] += 1
            done["pushed"] += report.pushed
            done["pulled"] += report.pulled
        except Exception as exc:  # a hub killed mid-sync: the next sync picks up where this one stopped
            done["failed_syncs"] += 1
            kind = type(exc).__name__
            done["errors"][kind] = done["errors"].get(kind, 0) + 1
            client.close()
            client = HubClient(url, token, engine.profile_id(profile), timeout=30)
        time.sleep(rng.uniform(1.0, 5.0))
    client.close()
    profile.close()
    print(json.dumps(done, ensure_ascii=False), flush=True)


# -- the comparison ---------------------------------------------------------------------------------------------------
def settle(folder: Path, url: str, token: str, steward: str) -> dict[str, Any]:
    """Sync until nothing is left to send; returns what the laptop then holds."""
    from steward.sync import engine
    from steward.sync.client import HubClient

    profile = open_laptop(folder, steward)
    try:
        with HubClient(url, token, engine.profile_id(profile), timeout=60) as client:
            for _ in range(5):
                engine.sync(profile, client)
                if not engine.outbox(profile) and not engine.blob_outbox(profile):
                    break
            else:
                raise RuntimeError(f"{steward}: records or files still to send after five syncs")
            engine.sync(profile, client)  # and pull what the others sent meanwhile
        return held_by(profile)
    finally:
        profile.close()


def held_by(profile: Any) -> dict[str, Any]:
    """(entity, id) -> hash of every record this laptop would have on the hub (its own, and reference data), the
    files its records name, and the (entity, id) of every shared record it holds (its own and those it pulled)."""
    from steward.sync import engine

    records = {(r["entity"], r["id"]): r["hash"] for r in engine._records(profile)}
    files = {rid for (entity, rid) in records if entity == "photo"}
    for rec in engine._records(profile):
        if rec["entity"] == "document":
            files.add(rec["body"]["sha256"])
        elif rec["entity"] == "signature" and rec["body"].get("image_sha256"):
            files.add(rec["body"]["image_sha256"])
    local = {(entity, r["id"]) for entity, table in SHARED.items() for r in profile.db.query(f"SELECT id FROM {table}")}
    return {"records": records, "files": files, "shared": local}


def compare(hub_dir: Path, laptops: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Counts of every kind of loss or duplication (all 0 when the hub and the laptops agree)."""
    db = sqlite3.connect(f"file:{hub_dir / 'hub.db'}?mode=ro", uri=True)
    names = dict(db.execute("SELECT id, name FROM stewards"))
    hub = {
        (e, i): (names.get(owner, ""), h)
        for e, i, owner, h in db.execute("SELECT entity, id, owner, content_hash FROM records")
    }
    rows = {r[0] for r in db.execute("SELECT sha256 FROM blobs")}
    db.close()
    on_disk: dict[str, int] = {}
    bad_bytes = 0
    for path in (hub_dir / "blobs").rglob("*"):
        if path.is_file():
            on_disk[path.name] = on_disk.get(path.name, 0) + 1
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            bad_bytes += digest.hexdigest() != path.name
    every_record: set[tuple[str, str]] = set()
    every_file: set[str] = set()
    lost_records = lost_files = not_pulled = changed = 0
    for held in laptops.values():
        every_record |= set(held["records"])
        every_file |= held["files"]
        for key, digest in held["records"].items():
            if key not in hub:
                lost_records += 1
            elif hub[key][1] != digest:
                changed += 1
        lost_files += len(held["files"] - rows)
        not_pulled += len({k for k in hub if k[0] in SHARED} - held["shared"])
    return {
        "records on the hub": len(hub),
        "files on the hub": len(rows),
        "lost records (a laptop's, not on the hub)": lost_records,
        "records whose content differs": changed,
        "lost files (named by a laptop's records, not on the hub)": lost_files,
        "shared records a laptop did not pull": not_pulled,
        "records on the hub no laptop has (duplicates)": len(set(hub) - every_record),
        "files on the hub no laptop names (duplicates)": len(rows - every_file),
        "files on disk without their row": len(set(on_disk) - rows),
        "rows without their file": len(rows - set(on_disk)),
        "files kept twice": sum(1 for n in on_disk.values() if n > 1),
        "files whose bytes do not match their hash": bad_bytes,
        "unfinished uploads left": len(list((hub_dir / "uploads").glob("*.part"))),
    }


# -- the hub's memory ---------------------------------------------------------------------------------------------
def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Sampler(threading.Thread):
    """The RSS of the hub process of the moment every `every` seconds, grouped by run of the hub."""

    def __init__(self, hub: Hub, every: float) -> None:
        super().__init__(daemon=True)
        self.hub, self.every = hub, every
        self.samples: dict[int, list[tuple[float, float]]] = {}
        self.started = time.monotonic()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.every):
            process = self.hub.process
            if process is not None and process.poll() is None:
                mb = rss_mb(process.pid)
                if mb is not None:
                    self.samples.setdefault(process.pid, []).append((time.monotonic() - self.started, mb))


# -- the run ----------------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--laptops", type=int, default=4)
    parser.add_argument("--kills", type=int, default=3, help="times the hub is killed (SIGKILL) and restarted")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = OUT / "hub_soak"
    shutil.rmtree(folder, ignore_errors=True)
    hub_dir = folder / "hub"
    from steward.hub.store import HubStore

    store = HubStore(hub_dir)
    stewards = {f"管家{i:02d}": store.add_steward(f"管家{i:02d}") for i in range(args.laptops)}
    del store
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    hub = SoakHub(ROOT, hub_dir, port)
    sampler = Sampler(hub, every=5.0)
    children: list[subprocess.Popen[str]] = []
    began = datetime.now(UTC)
    print(f"soak: {args.laptops} laptops, {args.minutes:g} min, {args.kills} kills; load average {os.getloadavg()}")
    try:
        hub.__enter__()
        sampler.start()
        for n, (steward, token) in enumerate(stewards.items()):
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "bench.hub_soak",
                        "--laptop",
                        str(folder / f"laptop{n}"),
                        url,
                        token,
                        steward,
                        str(args.minutes),
                        str(args.seed * 100 + n),
                    ],
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        # The kills fall in the first two thirds, so the last third shows the memory of one long-running hub.
        span = args.minutes * 60
        kill_at = sorted(rng.uniform(0.1 * span, 0.66 * span) for _ in range(args.kills))
        started = time.monotonic()
        kills = []
        for at in kill_at:
            time.sleep(max(0.0, started + at - time.monotonic()))
            assert hub.process is not None
            hub.process.send_signal(signal.SIGKILL)
            hub.process.wait(timeout=30)
            kills.append(round(time.monotonic() - started))
            time.sleep(rng.uniform(1.0, 10.0))  # the hub is down for a while: syncs fail and are retried
            hub.__enter__()
            print(f"hub killed at {kills[-1]} s and restarted", flush=True)
        summaries = []
        for child in children:
            out, _err = child.communicate(timeout=max(0.0, started + span - time.monotonic()) + LAPTOP_GRACE)
            if child.returncode != 0:
                raise RuntimeError(f"a laptop failed with exit code {child.returncode}")
            summaries.append(json.loads(out.strip().splitlines()[-1]))
        print(f"laptops done after {time.monotonic() - started:.0f} s; settling", flush=True)
        held = {
            steward: settle(folder / f"laptop{n}", url, token, steward)
            for n, (steward, token) in enumerate(stewards.items())
        }
        # A second round: the first laptops settled before the last ones had sent their final records.
        held = {
            steward: settle(folder / f"laptop{n}", url, token, steward)
            for n, (steward, token) in enumerate(stewards.items())
        }
        sampler.stopping.set()
        sampler.join(timeout=30)
    finally:
        sampler.stopping.set()
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=30)
        hub.__exit__(None, None, None)
    checks = compare(hub_dir, held)
    print_table(
        f"Laptops (soak from {began:%H:%M} UTC, hub killed at {kills} s)",
        ["laptop", "visits", "syncs", "failed syncs", "records pushed", "records pulled", "errors"],
        [
            [steward, s["visits"], s["syncs"], s["failed_syncs"], s["pushed"], s["pulled"], s["errors"] or "-"]
            for steward, s in zip(stewards, summaries, strict=True)
        ],
    )
    print_table("Laptops compared with the hub", ["check", "count"], list(checks.items()))
    runs = list(sampler.samples.values())
    print_table(
        "Hub RSS (MB) per run of the hub process",
        ["run", "from s", "to s", "samples", "first", "at 1/4", "at 1/2", "at 3/4", "last", "max"],
        [
            [
                n + 1,
                f"{s[0][0]:.0f}",
                f"{s[-1][0]:.0f}",
                len(s),
                f"{s[0][1]:.0f}",
                *(f"{s[len(s) * q // 4][1]:.0f}" for q in (1, 2, 3)),  # flat memory levels off, a leak keeps climbing
                f"{s[-1][1]:.0f}",
                f"{max(m for _t, m in s):.0f}",
            ]
            for n, s in enumerate(runs)
            if s
        ],
    )
    print(f"load average after: {os.getloadavg()}")
    failed = {k: v for k, v in checks.items() if v and k not in ("records on the hub", "files on the hub")}
    if failed:
        print(f"FAILED: {failed}")
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--laptop"]:
        laptop_main(*sys.argv[2:8])
    else:
        main()
