"""The rows of a table as insurers keep them: CSV (UTF-8, or GBK as Excel in China saves it) or the first sheet of an
XLSX workbook. Cells come back as they are (strings, numbers, dates); reading what they mean is the caller's."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from steward.domain.errors import InvalidInput, TemplateImportError


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names a column."""
    letters, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def csv_rows(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK more often than not
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(f"{path.name}:无法识别文件编码。", f"{path.name}: unknown text encoding.")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def xlsx_rows(path: Path) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise TemplateImportError(
            f"{path.name}:不是有效的 Excel 文件。", f"{path.name}: not a valid Excel file."
        ) from None
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def table_rows(path: Path) -> list[list[Any]]:
    """Every row of a .csv or .xlsx file, the header row first."""
    if not path.is_file():
        raise InvalidInput(f"找不到文件:{path}", f"No such file: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return csv_rows(path)
    if suffix == ".xlsx":
        return xlsx_rows(path)
    raise InvalidInput(f"{path.name}:请使用 .csv 或 .xlsx 文件。", f"{path.name}: use a .csv or .xlsx file.")
