"""Each enterprise's rating history as worked out (domain/rating_spans.py), kept in a SQLite file of its own beside
the profile's database: derived data, rebuilt from the profile whenever it is missing, damaged or out of date.

A file of its own because ratings are read on worker threads through read-only connections, and keeping them must
not take the profile's one write connection (nor its lock) from the steward's own writes. Each enterprise's rows say
which token of the profile's rating_marks (moved by triggers on every write to what a rating reads) and which rules
fingerprint they were made from; rows of another token or fingerprint are out of date and never read as current.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FILE_NAME = "rating-cache.sqlite3"
FORMAT = "3"  # the tables' layout; another one (an older or newer Steward) is dropped and made again
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS fresh (
           enterprise_id TEXT PRIMARY KEY, token TEXT NOT NULL, fingerprint TEXT NOT NULL) WITHOUT ROWID""",
    # A rowid table and a small covering index: seeks walk the index's dense pages (the colour read there alone),
    # and only the span picked reads its reasons. (As a WITHOUT ROWID table the reasons lay in the key's b-tree,
    # and a seek for each of 500 enterprises crossed three times the pages.)
    """CREATE TABLE IF NOT EXISTS spans (
           enterprise_id TEXT NOT NULL, since TEXT NOT NULL, colour TEXT NOT NULL, colour_change INTEGER NOT NULL,
           reasons TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS spans_by_day ON spans (enterprise_id, since, colour, colour_change)",
)

SpanRow = tuple[str, str, bool, list[list[Any]]]  # since (ISO date), colour, colour_change, reasons as JSON data


class RatingCache:
    """One connection to the cache file (or to memory, when the file cannot be used), for one thread's work."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, folder: Path) -> RatingCache:
        """The profile folder's cache; a damaged or unwritable one is set aside for one in memory (slower, not wrong)."""
        path = folder / FILE_NAME
        for attempt in (1, 2):
            try:
                return cls(_connect(str(path)))
            except sqlite3.DatabaseError:
                log.exception("the rating cache %s is unusable (attempt %d)", path, attempt)
                if attempt == 1:
                    _remove(path)
            except (OSError, sqlite3.Error):
                log.exception("cannot open the rating cache %s; rating in memory", path)
                break
        return cls(_connect(":memory:"))

    @classmethod
    def in_memory(cls) -> RatingCache:
        return cls(_connect(":memory:"))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> RatingCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- what is current ----------------------------------------------------------------------------------------
    def tokens(self, fingerprint: str) -> dict[str, str]:
        """enterprise id -> the token its kept rows were made from, for rows made with these rules."""
        return dict(
            self.conn.execute("SELECT enterprise_id, token FROM fresh WHERE fingerprint = ?", [fingerprint]).fetchall()
        )

    def replace(self, fingerprint: str, made: Mapping[str, tuple[str | None, Sequence[SpanRow]]]) -> None:
        """Each enterprise's spans, made from its token (None: no token, kept but never current), in one go."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            for enterprise_id, (token, rows) in made.items():
                conn.execute("DELETE FROM spans WHERE enterprise_id = ?", [enterprise_id])
                conn.executemany(
                    "INSERT INTO spans (enterprise_id, since, colour, colour_change, reasons) VALUES (?, ?, ?, ?, ?)",
                    [(enterprise_id, s, c, int(ch), json.dumps(r, ensure_ascii=False)) for s, c, ch, r in rows],
                )
                conn.execute(
                    "INSERT INTO fresh (enterprise_id, token, fingerprint) VALUES (?, ?, ?) ON CONFLICT (enterprise_id)"
                    " DO UPDATE SET token = excluded.token, fingerprint = excluded.fingerprint",
                    [enterprise_id, token or "", fingerprint if token else ""],
                )
            conn.execute("COMMIT")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # -- reading ------------------------------------------------------------------------------------------------
    def as_of(self, day: str, enterprise_ids: Iterable[str]) -> dict[str, tuple[str, list[list[Any]]]]:
        """enterprise id -> (colour, reasons) of the span holding `day`: one seek per enterprise (the span's start
        picked first, MATERIALIZED, so that SQLite does not evaluate the pick again for every span it joins)."""
        rows = self.conn.execute(
            """WITH pick AS MATERIALIZED (
                   SELECT e.value AS id,
                          (SELECT max(since) FROM spans WHERE enterprise_id = e.value AND since <= :day) AS since
                   FROM json_each(:ids) e)
               SELECT p.id, s.colour, s.reasons FROM pick p JOIN spans s INDEXED BY spans_by_day
                   ON s.enterprise_id = p.id AND s.since = p.since""",
            {"ids": json.dumps(list(enterprise_ids)), "day": day},
        )
        return {e: (c, json.loads(r)) for e, c, r in rows}

    def colours_as_of(self, day: str, enterprise_ids: Iterable[str]) -> dict[str, str]:
        """enterprise id -> colour on `day`, without reading a reason."""
        rows = self.conn.execute(
            """SELECT e.value, (SELECT colour FROM spans WHERE enterprise_id = e.value AND since <= :day
                                ORDER BY since DESC LIMIT 1)
               FROM json_each(:ids) e""",
            {"ids": json.dumps(list(enterprise_ids)), "day": day},
        )
        return {e: c for e, c in rows if c is not None}

    def spans_between(self, enterprise_ids: Iterable[str], first: str, last: str) -> dict[str, list[SpanRow]]:
        """Each enterprise's spans that hold a day from `first` to `last`, in order."""
        out: dict[str, list[SpanRow]] = {}
        for e, since, colour, change, reasons in self.conn.execute(
            """WITH pick AS MATERIALIZED (
                   SELECT e.value AS id,
                          (SELECT max(since) FROM spans WHERE enterprise_id = e.value AND since <= :first) AS since
                   FROM json_each(:ids) e)
               SELECT s.enterprise_id, s.since, s.colour, s.colour_change, s.reasons
               FROM pick p JOIN spans s ON s.enterprise_id = p.id AND s.since >= p.since AND s.since <= :last
               ORDER BY s.enterprise_id, s.since""",
            {"ids": json.dumps(list(enterprise_ids)), "first": first, "last": last},
        ):
            out.setdefault(e, []).append((since, colour, bool(change), json.loads(reasons)))
        return out

    def spans(self, enterprise_ids: Iterable[str], colour_changes_only: bool = False) -> dict[str, list[SpanRow]]:
        """Each enterprise's spans in order (or only those where the colour changed, the first span among them)."""
        only = "AND s.colour_change = 1" if colour_changes_only else ""
        out: dict[str, list[SpanRow]] = {}
        for e, since, colour, change, reasons in self.conn.execute(
            f"""SELECT s.enterprise_id, s.since, s.colour, s.colour_change, s.reasons
                FROM (SELECT value AS id FROM json_each(?)) e JOIN spans s ON s.enterprise_id = e.id {only}
                ORDER BY s.enterprise_id, s.since""",
            [json.dumps(list(enterprise_ids))],
        ):
            out.setdefault(e, []).append((since, colour, bool(change), json.loads(reasons)))
        return out

    def colour_changes(self, enterprise_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """Each enterprise's (since, colour) where its colour changed, in order: its colour on any day, without
        reading a reason."""
        out: dict[str, list[tuple[str, str]]] = {}
        for e, since, colour in self.conn.execute(
            """SELECT s.enterprise_id, s.since, s.colour
               FROM (SELECT value AS id FROM json_each(?)) e JOIN spans s ON s.enterprise_id = e.id
               WHERE s.colour_change = 1 ORDER BY s.enterprise_id, s.since""",
            [json.dumps(list(enterprise_ids))],
        ):
            out.setdefault(e, []).append((since, colour))
        return out


def _connect(target: str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if target != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # derived data: a lost last write is made again, never wrong
    try:
        _ensure_schema(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _layout(conn: sqlite3.Connection) -> str | None:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    return str(row[0]) if row else None


def _ensure_schema(conn: sqlite3.Connection) -> None:
    if _layout(conn) == FORMAT:
        return  # as it should be: opened without taking the write lock
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _layout(conn) not in (None, FORMAT):
            for table in ("meta", "fresh", "spans"):
                conn.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('format', ?)", [FORMAT])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _remove(path: Path) -> None:
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            part.unlink(missing_ok=True)
        except OSError:
            log.exception("cannot remove the damaged rating cache %s", part)
