"""The streaming XLSX writer (steward.reports.xlsx), read back with openpyxl and with lxml: every part well-formed,
values typed, styles, widths, frozen header and auto-filter as written; text that cannot go into XML is cleaned, not
fatal; a sheet longer than one flush of rows is whole."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from lxml import etree

from steward.reports.xlsx import FLUSH_ROWS, Style, XlsxBook, column_letter


def _book(build) -> bytes:
    out = io.BytesIO()
    book = XlsxBook(out, ["数据 'x'", "说明"], datetime(2026, 11, 27, 8, 0))
    build(book)
    book.close()
    return out.getvalue()


def test_values_come_back_typed_and_styled_on_a_frozen_filtered_sheet() -> None:
    def build(book: XlsxBook) -> None:
        sheet = book.sheet(7, (30, 12, 12, 17, 8, 8, 8), frozen_header=True)
        sheet.append(["企业名称", "日期", "数", "时间", "率", "是否", "空"], [Style.HEADER] * 7)
        styles = [Style.PLAIN, Style.DATE, Style.PLAIN, Style.DATETIME, Style.PERCENT, Style.PLAIN, Style.PLAIN]
        append = sheet.appender(styles)  # the fast path the exports take
        append(["仙居 <废气> & “直排”", date(2026, 3, 4), 42, datetime(2026, 3, 4, 9, 30), 0.725, True, None])
        append(["=SUM(A1:A2)", date(1900, 3, 1), -1.5, datetime(2026, 3, 4), 1.0, False, "x"])
        sheet.append(["  两端有空格 \n第二行", None, 0, None, None, None, "bell\x07 and \x00nul"], styles)
        append(["lone \ud800 surrogate", None, None, None, None, None, 7])
        with pytest.raises(ValueError, match="a row has 2 values for 7 columns"):
            append(["too", "short"])
        sheet.auto_filter()
        notes = book.sheet(2, (22, 70))
        notes.append(["行数 Rows", "3"], [Style.BOLD, Style.WRAP_TOP])

    data = _book(build)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            etree.fromstring(archive.read(name))  # every part is well-formed XML
        assert archive.namelist()[0] == "[Content_Types].xml"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["数据 'x'", "说明"]
    sheet = wb["数据 'x'"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:G5"
    assert sheet.column_dimensions["A"].width == 30 and sheet.column_dimensions["D"].width == 17
    assert [c.value for c in sheet[1]] == ["企业名称", "日期", "数", "时间", "率", "是否", "空"]
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "FFDDE3EA"
    row = [c.value for c in sheet[2]]
    assert row == ["仙居 <废气> & “直排”", datetime(2026, 3, 4), 42, datetime(2026, 3, 4, 9, 30), 0.725, True, None]
    assert sheet["B2"].number_format == "yyyy-mm-dd" and sheet["D2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["E2"].number_format == "0.0%" and sheet["C2"].data_type == "n"
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "=SUM(A1:A2)"  # text, never a formula
    assert sheet["B3"].value == datetime(1900, 3, 1) and sheet["C3"].value == -1.5 and sheet["F3"].value is False
    assert sheet["A4"].value == "  两端有空格 \n第二行" and sheet["G4"].value == "bell and nul"
    assert sheet["A5"].value == "lone  surrogate" and sheet["G5"].value == 7 and sheet.max_row == 5
    notes = wb["说明"]
    assert notes["A1"].font.b and notes["B1"].alignment.wrap_text and notes["B1"].alignment.vertical == "top"
    assert notes.freeze_panes is None


def test_a_long_sheet_is_whole_across_flushes() -> None:
    rows = FLUSH_ROWS * 3 + 7

    def build(book: XlsxBook) -> None:
        sheet = book.sheet(2, frozen_header=True)
        sheet.append(["n", "名称"], [Style.HEADER, Style.HEADER])
        for n in range(rows):
            sheet.append([n, f"企业{n}"])
        sheet.auto_filter()
        book.sheet(1).append(["说明"])

    wb = openpyxl.load_workbook(io.BytesIO(_book(build)), read_only=True)
    values = list(wb["数据 'x'"].iter_rows(values_only=True))
    assert len(values) == rows + 1 and values[-1] == (rows - 1, f"企业{rows - 1}")
    assert values[1:4] == [(0, "企业0"), (1, "企业1"), (2, "企业2")]


def test_column_letters_and_sheet_count_are_checked() -> None:
    assert [column_letter(n) for n in (1, 16, 26, 27, 52, 703)] == ["A", "P", "Z", "AA", "AZ", "AAA"]
    with pytest.raises(ValueError, match="2 sheets named, 1 written"):
        _book(lambda book: book.sheet(1))


def test_the_column_fast_paths_write_what_cell_writes() -> None:
    """The appender's fast paths (text that needs no cleaning, whole numbers, dates) skip cell(): each must write the
    very XML cell() writes, in every style, for text that needs cleaning as for text that does not."""
    from steward.reports.xlsx import _column_writer, cell

    values = [
        "仙居县源泉工艺品有限公司",
        "a & b <c> d",
        " leading",
        "trailing\n",
        "bell\x07",
        "lone \ud800",
        "\ufffe",
        "",
        0,
        -7,
        2**40,
        True,
        1.5,
        date(2026, 3, 4),
        date(1900, 3, 1),
        datetime(2026, 3, 4, 9, 30),
        None,
    ]
    for style in Style:
        write = _column_writer(style)
        for value in values:
            assert write("C7", value) == cell("C7", value, style), (style, value)
