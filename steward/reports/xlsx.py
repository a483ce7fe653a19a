"""A streaming XLSX writer: rows go straight into the zip as worksheet XML, a few hundred at a time, so a sheet of any
length is written in flat memory and at the speed of string formatting.

Why not openpyxl: its write-only mode streams too, but it builds a cell object per value and writes each through an
XML serializer; 45,000 findings of 16 columns took minutes on a loaded laptop, ten times what writing the same XML
text takes here. Only what Steward's exports use is written: typed cells (text, numbers, dates, date-times), a
handful of fixed styles, column widths, a frozen header row and an auto-filter. Text goes in as inline strings: no
shared-string table to hold in memory, and a text cell is never taken for a formula. Files read back with openpyxl,
Excel and LibreOffice alike (tests/test_xlsx_writer.py).
"""

from __future__ import annotations

import contextlib
import math
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from enum import IntEnum
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

FLUSH_ROWS = 500  # rows joined into one write to the zip
# Control characters (and lone surrogates, U+FFFE/U+FFFF) XML cannot hold: dropped, the rest of the text kept.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 0 in the 1900 date system, after Excel's phantom 1900-02-29
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Style(IntEnum):
    """The cell styles every workbook carries (their index in styles.xml's cellXfs)."""

    PLAIN = 0
    HEADER = 1  # bold on a light grey-blue fill
    DATE = 2  # yyyy-mm-dd
    DATETIME = 3  # yyyy-mm-dd hh:mm
    NUMBER = 4  # 0.0
    PERCENT = 5  # 0.0%
    BOLD = 6
    WRAP_TOP = 7  # wrapped text at the top of its cell (long explanations)
    HEADER_WRAP_TOP = 8


_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="0.0"/>'
    '<numFmt numFmtId="167" formatCode="0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE3EA"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_text(value: str) -> str:
    return _ILLEGAL.sub("", value)


def _serial(value: date) -> str:
    """Excel's serial number of a date or a wall-clock date-time (a zone, if any, is dropped: Excel has none)."""
    if isinstance(value, datetime):
        days = (value.date() - _EXCEL_EPOCH).days
        seconds = (value - datetime.combine(value.date(), time(), value.tzinfo)).total_seconds()
        return repr(days + seconds / 86400) if seconds else str(days)
    return str((value - _EXCEL_EPOCH).days)


def _text_cell(ref: str, text: str, style: int) -> str:
    text = _ILLEGAL.sub("", text)
    s = f' s="{style}"' if style else ""
    if text != text.strip():
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t>{escape(text)}</t></is></c>'


# Escaping and cleaning in one pass of str.translate: XML's three special characters, and the control characters it
# cannot hold dropped.
_XML_TEXT = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"} | {
    c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)
}
_SPACE = frozenset(" \t\n\r")


# Most text needs neither: one regular-expression search (a C loop) tells, and only text that does is translated.
# (str.translate looks every character up in the table: for Chinese text, most of the writer's time.)
_NEEDS_CLEANING = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _column_writer(style: int) -> Callable[[str, Any], str]:
    """cell(ref, value, style) for one column, with fast paths for its usual values (text, whole numbers, dates, or
    None); anything else goes through cell()."""
    attribute = f' s="{style}"' if style else ""
    opening = f'"{attribute} t="inlineStr"><is><t>'
    preserved = f'"{attribute} t="inlineStr"><is><t xml:space="preserve">'
    number = f'"{attribute}><v>'
    day = f'" s="{Style.DATE if style in (Style.PLAIN, Style.NUMBER) else style}"><v>'

    def write(ref: str, value: Any) -> str:
        if value is None:
            return ""
        kind = value.__class__
        if kind is str:
            text: str = value
            if _NEEDS_CLEANING.search(text):
                text = text.translate(_XML_TEXT)
                if _SURROGATES.search(text):
                    text = _SURROGATES.sub("", text)
            if text and (text[0] in _SPACE or text[-1] in _SPACE):
                return '<c r="' + ref + preserved + text + "</t></is></c>"
            return '<c r="' + ref + opening + text + "</t></is></c>"
        if kind is int:
            return '<c r="' + ref + number + str(value) + "</v></c>"
        if kind is date:
            return '<c r="' + ref + day + str((value - _EXCEL_EPOCH).days) + "</v></c>"
        return cell(ref, value, style)

    return write


def cell(ref: str, value: Any, style: int = Style.PLAIN) -> str:
    """One cell's XML, its type from the value: text, a number, a truth value, a date or date-time (as Excel's serial
    number; `style` then defaults to DATE or DATETIME). None: no cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(ref, value, style)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return _text_cell(ref, str(value), style)
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, date):
        if style in (Style.PLAIN, Style.NUMBER):
            style = Style.DATETIME if isinstance(value, datetime) else Style.DATE
        return f'<c r="{ref}" s="{style}"><v>{_serial(value)}</v></c>'
    return _text_cell(ref, str(value), style)


class Sheet:
    """One worksheet being written: rows in order, then closed (by the book)."""

    def __init__(self, book: XlsxBook, index: int, name: str, handle: IO[bytes], columns: int) -> None:
        self.book, self.index, self.name, self._handle = book, index, name, handle
        self.columns = columns
        self.rows = 0
        self.filtered = False
        self._letters = [column_letter(i) for i in range(1, columns + 1)]
        self._pending: list[str] = []

    def append(self, values: Sequence[Any], styles: Sequence[int] | None = None) -> None:
        """A row of values (None leaves a cell empty), each with its column's style (default PLAIN)."""
        self.rows += 1
        n = str(self.rows)
        letters = self._letters
        if styles is None:
            cells = "".join([cell(letters[i] + n, v) for i, v in enumerate(values)])
        else:
            cells = "".join([cell(letters[i] + n, v, s) for i, (v, s) in enumerate(zip(values, styles, strict=True))])
        self._row(n, cells)

    def appender(self, styles: Sequence[int]) -> Callable[[Sequence[Any]], None]:
        """append(values, styles) for many rows of the same columns: each column's writer chosen once."""
        if len(styles) > self.columns:
            raise ValueError(f"{len(styles)} styles for {self.columns} columns")
        writers = [_column_writer(s) for s in styles]
        letters = self._letters[: len(styles)]

        def append(values: Sequence[Any]) -> None:
            if len(values) != len(writers):
                raise ValueError(f"a row has {len(values)} values for {len(writers)} columns")
            self.rows += 1
            n = str(self.rows)
            self._row(n, "".join([w(x + n, v) for w, x, v in zip(writers, letters, values, strict=False)]))

        return append

    def _row(self, n: str, cells: str) -> None:
        self._pending.append('<row r="' + n + '">' + cells + "</row>")
        if len(self._pending) >= FLUSH_ROWS:
            self._flush()

    def auto_filter(self) -> None:
        """An auto-filter over the header row and every row below it (set when the sheet ends)."""
        self.filtered = True

    def _flush(self) -> None:
        if self._pending:
            self._handle.write("".join(self._pending).encode("utf-8"))
            self._pending.clear()

    @property
    def filter_ref(self) -> str:
        return f"A1:{column_letter(self.columns)}{max(self.rows, 1)}"

    def close(self) -> None:
        self._flush()
        tail = "</sheetData>"
        if self.filtered:
            tail += f'<autoFilter ref="{self.filter_ref}"/>'
        tail += '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'
        self._handle.write(tail.encode("utf-8"))
        self._handle.close()


class XlsxBook:
    """A workbook written into `out` (any binary file; it need not seek). Sheets are added and filled one after
    another; close() writes the workbook's index. Names must be valid Excel sheet names (see sheets.sheet_name)."""

    def __init__(self, out: IO[bytes], sheet_names: Sequence[str], modified: datetime, compresslevel: int = 1) -> None:
        if not sheet_names:
            raise ValueError("a workbook needs at least one sheet")
        self.names = list(sheet_names)
        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=compresslevel)
        self._sheets: list[Sheet] = []
        self._current: Sheet | None = None
        try:
            self._start(modified)
        except BaseException:
            self.abandon()
            raise

    def _start(self, modified: datetime) -> None:
        """The parts that precede the sheets: the package's index, its properties and the styles."""
        stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ")
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(self.names) + 1)
        )
        self._put(
            "[Content_Types].xml",
            _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{sheets}"
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>',
        )
        self._put(
            "_rels/.rels",
            _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
        )
        self._put(
            "docProps/core.xml",
            _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Steward</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>',
        )
        self._put(
            "docProps/app.xml",
            _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Steward</Application></Properties>",
        )
        self._put("xl/styles.xml", _STYLES)

    def _put(self, name: str, text: str) -> None:
        self._zip.writestr(name, text.encode("utf-8"))

    def sheet(self, columns: int, widths: Sequence[float] = (), frozen_header: bool = False) -> Sheet:
        """The next sheet (in the order of `sheet_names`), `columns` wide; the previous one is finished."""
        self._end_sheet()
        index = len(self._sheets) + 1
        if index > len(self.names):
            raise ValueError("more sheets than names")
        handle = self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        sheet = Sheet(self, index, self.names[index - 1], handle, columns)
        selected = ' tabSelected="1"' if index == 1 else ""
        if frozen_header:
            view = (
                f'<sheetView workbookViewId="0"{selected}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            )
        else:
            view = f'<sheetView workbookViewId="0"{selected}/>'
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{float(w)!r}" customWidth="1"/>' for i, w in enumerate(widths, start=1)
        )
        handle.write(
            (
                _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>{view}</sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
            ).encode("utf-8")
        )
        self._sheets.append(sheet)
        self._current = sheet
        return sheet

    def _end_sheet(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None

    def close(self) -> None:
        """Finish the last sheet and write the workbook's index; the zip is complete after this."""
        self._end_sheet()
        if len(self._sheets) != len(self.names):
            self.abandon()
            raise ValueError(f"{len(self.names)} sheets named, {len(self._sheets)} written")
        sheets = "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{s.index}" r:id="rId{s.index}"/>' for s in self._sheets
        )
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" hidden="1">'
            + escape("'" + s.name.replace("'", "''") + "'!" + _absolute(s.filter_ref))
            + "</definedName>"
            for s in self._sheets
            if s.filtered
        )
        self._put(
            "xl/workbook.xml",
            _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/>'
            f"</bookViews><sheets>{sheets}</sheets>"
            + (f"<definedNames>{filters}</definedNames>" if filters else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{s.index}" Type="{_REL}/worksheet" Target="worksheets/sheet{s.index}.xml"/>'
            for s in self._sheets
        )
        styles = len(self._sheets) + 1
        self._put(
            "xl/_rels/workbook.xml.rels",
            _HEAD + f'<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{styles}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        )
        self._zip.close()

    def abandon(self) -> None:
        """Writing failed: close what is open without finishing the file (the caller discards it)."""
        if self._current is not None:
            with contextlib.suppress(OSError, ValueError):
                self._current._handle.close()
            self._current = None
        with contextlib.suppress(OSError, ValueError):
            self._zip.close()


def _absolute(ref: str) -> str:
    """A1:P10 -> $A$1:$P$10."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))
