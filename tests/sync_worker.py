"""Child of test_sync.py: syncs a profile in small chunks, reporting each acknowledged chunk, until killed."""

from __future__ import annotations

import sys

from steward.services.profiles import open_profile
from steward.sync import engine
from steward.sync.client import HubClient


def main(data_dir: str, url: str, token: str, profile_name: str = "li", chunk_kib: str = "16") -> None:
    profile = open_profile(data_dir, profile_name)
    client = HubClient(url, token, engine.profile_id(profile))
    engine.sync(
        profile,
        client,
        lambda stage, done, total: print(f"{stage} {done} {total}", flush=True),
        chunk_size=int(chunk_kib) * 1024,
    )
    print("finished", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
