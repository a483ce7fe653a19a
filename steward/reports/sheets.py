"""Tables for Excel: rows and column specs in, an XLSX workbook or a CSV file out. No SQL, no storage, no Qt, so the
laptop's exports and the hub's downloads write the same files.

XLSX through steward.reports.xlsx (rows stream into the file, memory stays flat at any size): real types (dates as
dates, numbers as numbers), one header row, frozen and filtered, column widths measured on the text. CSV in UTF-8
with a BOM: Excel on Chinese Windows reads a CSV without one as GBK and shows mojibake.

Every file is written whole or not at all: into a temporary file beside the target, synced, then renamed over it.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO

from steward.domain.errors import StewardError
from steward.reports.xlsx import Style, XlsxBook

# Column widths are measured on this many rows (a sample: the rest stream past without being held in memory).
WIDTH_SAMPLE = 2000
MIN_WIDTH = 6
MAX_WIDTH = 60
SHEET_NAME_CHARS = 31  # Excel's limit
Progress = Callable[[int], None]  # rows written so far
# What a cell holds: text, a number (a PERCENT column's fraction too), a date or date-time (a datetime is a date), or
# None for an empty cell. Each is written as its own type (steward.reports.xlsx.cell).
Cell = str | int | float | date | None
PROGRESS_EVERY = 1000


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    PERCENT = "percent"  # a fraction (0.725), shown as 72.5%


# Excel reads a CSV cell starting with these as a formula: such text is written with a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DATE_WIDTH = {Kind.DATE: 11, Kind.DATETIME: 17}


@dataclass(frozen=True)
class Column:
    """One column: its Chinese header (the header row), its English name and meaning (the notes sheet)."""

    zh: str
    en: str
    kind: Kind = Kind.TEXT
    meaning_zh: str = ""
    meaning_en: str = ""
    max_width: int = MAX_WIDTH


@dataclass(frozen=True)
class Table:
    """A sheet: its name, its columns and its rows (any iterable: a generator streams)."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Cell]]


@dataclass(frozen=True)
class Notes:
    """The sheet that says what the workbook is: lines of (label, value), then each table's columns defined."""

    name: str
    lines: Sequence[tuple[str, str]]
    definitions: Sequence[tuple[str, str, str]] = field(default=())  # (term, zh, en)
    # Lines known only once the tables are written (totals counted while their rows streamed): after `lines`.
    later: Callable[[], Sequence[tuple[str, str]]] | None = None


class WriteFailed(StewardError):
    """The file could not be written; nothing was left at the target."""


def display_width(text: str) -> int:
    """Columns the text takes in Excel: a CJK character as wide as two Latin ones. UTF-8 gives CJK three bytes and
    ASCII one, so (bytes + chars) / 2 is exact for both and fast enough for tens of thousands of cells."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _widths(columns: Sequence[Column], sample: Sequence[Sequence[Cell]]) -> list[int]:
    widths = []
    for i, column in enumerate(columns):
        longest = display_width(column.zh) + 3  # room for the filter's arrow
        if column.kind in _DATE_WIDTH:
            longest = max(longest, _DATE_WIDTH[column.kind])
        else:
            for row in sample:
                value = row[i]
                if value is not None:
                    longest = max(longest, max(display_width(line) for line in _text(value).splitlines() or [""]))
        widths.append(max(MIN_WIDTH, min(column.max_width, longest + 1)))
    return widths


def _checked(table: Table) -> None:
    count = len(table.columns)
    if not count:
        raise ValueError(f"table {table.name!r} has no columns")


def _row_checker(table: Table) -> Callable[[Sequence[Cell]], Sequence[Cell]]:
    count = len(table.columns)

    def checked(row: Sequence[Cell]) -> Sequence[Cell]:
        if len(row) != count:
            raise ValueError(f"table {table.name!r}: a row has {len(row)} values for {count} columns")
        return row

    return checked


def _open_temp(path: Path) -> tuple[Path, IO[bytes]]:
    """The temporary file beside the target (same folder, so the rename is atomic)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    return tmp, open(tmp, "wb")  # closed by _written, which owns it


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; NTFS journals the rename itself
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _failure(path: Path, exc: OSError) -> WriteFailed:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return WriteFailed(
            f"磁盘空间已满,文件未保存:{path}。请清理磁盘或换一个位置后重试。",
            f"The disk is full; the file was not saved: {path}. Free some space or choose another place.",
        )
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return WriteFailed(
            f"保存位置不存在:{path.parent}。请选择一个已有的文件夹。",
            f"The folder does not exist: {path.parent}. Choose an existing folder.",
        )
    if isinstance(exc, PermissionError):
        return WriteFailed(
            f"没有写入权限,或文件正被其他程序(如 Excel)打开:{path}。请关闭该文件或换一个位置后重试。",
            f"Permission denied, or the file is open in another program (Excel?): {path}. "
            "Close it or choose another place.",
        )
    return WriteFailed(f"无法保存文件 {path}:{reason}", f"Cannot save {path}: {reason}")


@contextlib.contextmanager
def _written(path: Path) -> Iterator[IO[bytes]]:
    """Yield a binary file to fill; on success it replaces `path` durably, on any failure nothing is left."""
    path = Path(path)
    if path.is_dir():
        raise WriteFailed(f"这是一个文件夹,不能作为文件保存:{path}", f"That is a folder, not a file name: {path}")
    try:
        tmp, handle = _open_temp(path)
    except OSError as exc:
        raise _failure(path, exc) from exc
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _failure(path, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _counting(rows: Iterable[Sequence[Cell]], progress: Progress | None, start: int) -> Iterator[Sequence[Cell]]:
    n = start
    for row in rows:
        yield row
        n += 1
        if progress and n % PROGRESS_EVERY == 0:
            progress(n)


_XLSX_STYLES = {
    Kind.TEXT: Style.PLAIN,
    Kind.INTEGER: Style.PLAIN,
    Kind.NUMBER: Style.NUMBER,
    Kind.DATE: Style.DATE,
    Kind.DATETIME: Style.DATETIME,
    Kind.PERCENT: Style.PERCENT,
}


def _csv_text(value: Cell) -> str:
    text = _text(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def sheet_name(name: str) -> str:
    """Excel refuses these characters in a sheet's name and more than 31 of them."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "Sheet"
    return cleaned[:SHEET_NAME_CHARS]


def write_xlsx(
    path: Path, tables: Sequence[Table], notes: Notes | None = None, progress: Progress | None = None
) -> int:
    """One sheet per table (header row frozen, auto-filter over it, widths measured), then the notes sheet.
    Returns the number of data rows written; `progress(rows)` every thousand rows. Text is always text: a
    description starting with "=" stays words, and control characters pasted from elsewhere, which the XLSX format
    cannot hold, are dropped instead of failing the whole export."""
    for table in tables:
        _checked(table)
    with _written(path) as handle:
        return _fill(handle, tables, notes, progress)


def xlsx_to(out: IO[bytes], tables: Sequence[Table], notes: Notes | None = None) -> int:
    """write_xlsx into an open binary stream (the hub's download); returns the data rows written."""
    for table in tables:
        _checked(table)
    return _fill(out, tables, notes, None)


def _fill(handle: IO[bytes], tables: Sequence[Table], notes: Notes | None, progress: Progress | None) -> int:
    names = [sheet_name(t.name) for t in tables] + ([sheet_name(notes.name)] if notes is not None else [])
    book = XlsxBook(handle, names, datetime.now(UTC).replace(tzinfo=None))
    written = 0
    try:
        for table in tables:
            rows = iter(table.rows)
            sample = list(itertools.islice(rows, WIDTH_SAMPLE))
            sheet = book.sheet(len(table.columns), _widths(table.columns, sample), frozen_header=True)
            sheet.append([c.zh for c in table.columns], [Style.HEADER] * len(table.columns))
            append = sheet.appender([_XLSX_STYLES[c.kind] for c in table.columns])
            for row in _counting(itertools.chain(sample, rows), progress, written):
                try:
                    append(row)
                except ValueError:
                    raise ValueError(
                        f"table {table.name!r}: a row has {len(row)} values for {len(table.columns)} columns"
                    ) from None
                written += 1
            sheet.auto_filter()
        if notes is not None:
            sheet = book.sheet(3, (22, 70, 70))
            for label, value in [*notes.lines, *(notes.later() if notes.later else ())]:
                sheet.append([label, value], [Style.BOLD, Style.WRAP_TOP])
            if notes.definitions:
                sheet.append([])
                sheet.append(["名词 / 列 Term / column", "中文说明", "English"], [Style.HEADER] * 3)
                for term, zh, en in notes.definitions:
                    sheet.append([term, zh, en], [Style.WRAP_TOP] * 3)
        book.close()
    except BaseException:
        book.abandon()
        for table in tables:  # a generator of rows left half-read ends now (its reads with it)
            close = getattr(table.rows, "close", None)
            if close is not None:
                close()
        raise
    return written


def write_csv(path: Path, table: Table, progress: Progress | None = None) -> int:
    """The table as CSV: UTF-8 with a BOM, the Chinese header row, dates as YYYY-MM-DD. Returns the rows written."""
    _checked(table)
    check = _row_checker(table)
    count = 0
    with _written(path) as handle:
        import io

        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            out = csv.writer(text)
            out.writerow([c.zh for c in table.columns])
            for row in _counting(table.rows, progress, 0):
                out.writerow([_csv_text(v) for v in check(row)])
                count += 1
            text.flush()
        finally:
            text.detach()  # the binary file stays open for _written to sync and close
    return count
