"""Child processes of test_crash.py: each records answers, findings and photos as fast as it can until it is killed.

After each use case returns (its transaction committed), it appends an acknowledgement line to ACK and fsyncs it:
whatever the parent finds acknowledged must be in the profile afterwards, however the child died.

The children are forked from one server process that imported everything once (`python -m tests.crash_worker`):
starting an interpreter and importing the services, pinyin tables included, is a second of CPU, and the test kills
thirty children. A forked child opens the profile itself, as a new process would; it holds no connection, file or
thread of the server's (the server never opens the profile).

Protocol on the server's stdin/stdout, one line each: the test writes `DATA_DIR<TAB>RUN<TAB>ACK`, the server answers
`started<TAB>PID`, then `ended<TAB>PID<TAB>STATUS` once that child is gone (killed, or failed: its traceback on the
server's stderr), then reads the next line. End of input ends the server."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from steward.domain import pinyin
from steward.services import enterprises, photos, visits
from steward.services.photos import LinkTarget
from steward.services.profiles import open_profile
from tests.codes import make_code
from tests.images import write_jpeg


def main(data_dir: str, run: int, ack_path: str) -> None:
    profile = open_profile(data_dir, "crash")
    # An enterprise per run: each run starts a visit, and an enterprise has one visit in progress at a time.
    ent = enterprises.create(profile, name=f"仙居县源泉工艺品有限公司{run}", credit_code=make_code(run + 1))
    visit = visits.start(profile, ent["id"], "first")
    items = visits.items(profile, visit["id"])
    source = Path(data_dir) / "camera"
    ack = open(ack_path, "a", encoding="utf-8")  # noqa: SIM115 - open until the process is killed

    def acknowledge(line: str) -> None:
        ack.write(line + "\n")
        ack.flush()
        os.fsync(ack.fileno())

    i = 0
    while True:
        item = items[i % len(items)]
        visits.answer(profile, visit["id"], item["id"], "not_compliant", f"r{run}-{i}")
        acknowledge(f"answer\t{visit['id']}\t{item['id']}\t{i}")
        if i % 3 == 0:
            finding = visits.create_finding(profile, visit["id"], item["id"], location=f"r{run}-{i}")
            acknowledge(f"finding\t{finding['id']}")
        if i % 2 == 0:
            path = write_jpeg(source / f"r{run}-{i}.jpg", (1200, 900), colour=(run * 7 % 256, i % 256, 90))
            report = photos.import_photos(profile, [path], LinkTarget(visit_id=visit["id"], item_id=item["id"]))
            result = report.results[0]
            acknowledge(f"photo\t{result.sha256}\t{result.link_id}")
        i += 1


def serve() -> None:
    pinyin.name_keys("仙居县")  # the pinyin tables load on first use: once here, not in every child
    for line in sys.stdin:
        data_dir, run, ack_path = line.rstrip("\n").split("\t")
        pid = os.fork()
        if pid == 0:
            try:
                main(data_dir, int(run), ack_path)
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            os._exit(1)  # a child only ever ends killed, or failed; never back into the server's loop
        print(f"started\t{pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"ended\t{pid}\t{status}", flush=True)


if __name__ == "__main__":
    serve()
