"""Login guessers against the hub's sync API: /v1/hello latency on a hub on 127.0.0.1, alone and while four guessers
hammer /login with wrong passwords (issue 8 measured p50 10 ms -> 1.9 s before logins were limited and hashed off the
event loop). Prints p50/p99 of hello for both, and how the guesses were answered."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from multiprocessing import Event, Process, Queue

import httpx

from bench.common import OUT, ROOT, print_table
from steward.hub.store import HubStore
from steward.hub.web import Viewers
from steward.sync.wire import HEADER_PROFILE, HEADER_PROTOCOL, PROTOCOL_VERSION

HELLOS = 200
GUESSERS = 4


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hellos(url: str, token: str) -> list[float]:
    headers = {HEADER_PROTOCOL: str(PROTOCOL_VERSION), HEADER_PROFILE: "bench", "Authorization": f"Bearer {token}"}
    samples = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as laptop:
        for _ in range(HELLOS):
            started = time.perf_counter()
            laptop.get("/v1/hello").raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def _guess(url: str, stop: Event, answers: Queue[dict[int, int]], n: int) -> None:
    """One guesser, in its own process (threads here would slow the measuring client, not the hub)."""
    counts: Counter[int] = Counter()
    with httpx.Client(base_url=url, timeout=60) as browser:
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/login").text)[1]  # type: ignore[index]
        i = 0
        while not stop.is_set():
            i += 1
            answer = browser.post("/login", data={"name": f"viewer{i % 7}", "password": f"{n}-{i}", "csrf": token})
            counts[answer.status_code] += 1
    answers.put(dict(counts))


def _row(label: str, samples: list[float]) -> list[object]:
    ordered = sorted(samples)
    return [label, f"{statistics.median(ordered):.1f}", f"{ordered[int(len(ordered) * 0.99) - 1]:.1f}"]


def main() -> None:
    folder = OUT / "hub_login"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    store = HubStore(folder)
    token = store.add_steward("李明")
    Viewers(store).add("人保仙居")
    url = f"http://127.0.0.1:{(port := _port())}"
    hub = subprocess.Popen(
        [sys.executable, "-m", "steward.cli.main", "hub", "serve", "--data-dir", str(folder), "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                httpx.get(url + "/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        alone = _hellos(url, token)
        stop, queue = Event(), Queue()
        guessers = [Process(target=_guess, args=(url, stop, queue, n)) for n in range(GUESSERS)]
        for guesser in guessers:
            guesser.start()
        time.sleep(1)  # the guessers are at it
        besieged = _hellos(url, token)
        stop.set()
        answers: Counter[int] = Counter()
        for _ in guessers:
            answers.update(queue.get(timeout=60))
        for guesser in guessers:
            guesser.join()
    finally:
        hub.terminate()
        hub.wait(timeout=10)
    print_table("/v1/hello (ms)", ["", "p50", "p99"], [_row("alone", alone), _row(f"{GUESSERS} guessers", besieged)])
    print(f"guesses answered: {dict(sorted(answers.items()))} (401 = checked, 429 = refused without hashing)")


if __name__ == "__main__":
    main()
