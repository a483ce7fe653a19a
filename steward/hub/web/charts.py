"""Charts as server-drawn SVG: shapes and labels computed here, drawn by a template (steward/hub/templates/
_charts.html) that escapes every label. No script and no chart library reaches the browser; an SVG in the page
scales with its viewBox, so one drawing reads on a phone (390 px) and on a desktop."""

from __future__ import annotations

from dataclasses import dataclass

from steward.domain.rating import Colour

WIDTH = 360  # the viewBox: about a phone's width in CSS pixels, so 11-px labels stay 11 px there
_LEFT, _RIGHT, _TOP, _BOTTOM = 34, 8, 12, 30


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    css: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]
    lines: tuple[Line, ...]
    legend: tuple[tuple[str, str], ...]  # (css class, words)
    empty: bool


def nice_top(value: int) -> int:
    """The axis' top: four equal whole steps of 1, 2, 5, 10, 20, 25, 50, 100, … that hold `value`."""
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power) if power == 1 else (power, 2 * power, power * 5 // 2, 5 * power):
            if 4 * step >= value:
                return 4 * step
        power *= 10


def found_vs_rectified(months: list[tuple[str, int, int]]) -> Chart:
    """Two bars a month: found in that month, rectified in that month (the summary's by-month table)."""
    height = 200
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    top = nice_top(max((max(f, r) for _, f, r in months), default=0))
    slot = plot_w / max(1, len(months))
    bar = max(1.0, min(18.0, slot * 0.38))
    bars: list[Bar] = []
    labels: list[Label] = []
    every = max(1, -(-len(months) * 44 // plot_w))  # a month label about every 44 px, so they never overlap
    for n, (month, found, fixed) in enumerate(months):
        centre = _LEFT + slot * (n + 0.5)
        for offset, value, css, words in ((-bar, found, "found", "发现"), (0.0, fixed, "fixed", "整改")):
            h = plot_h * value / top
            bars.append(
                Bar(
                    round(centre + offset, 1),
                    round(_TOP + plot_h - h, 1),
                    round(bar, 1),
                    round(h, 1),
                    css,
                    f"{month} {words} {value} 个",
                )
            )
        if n % every == 0:
            year, mon = month.split("-")
            text = f"{int(mon)}月" if n and mon != "01" else f"{year[2:]}年{int(mon)}月"
            labels.append(Label(round(centre, 1), height - _BOTTOM + 16, text))
    lines = []
    for tick in range(5):
        value = top * tick // 4
        y = round(_TOP + plot_h - plot_h * value / top, 1)
        lines.append(Line(_LEFT, y, WIDTH - _RIGHT, y))
        labels.append(Label(_LEFT - 4, y + 4, str(value), "end", "axis"))
    return Chart(
        "发现与整改(按月)",
        WIDTH,
        height,
        tuple(bars),
        tuple(labels),
        tuple(lines),
        (("found", "发现问题"), ("fixed", "已整改")),
        not any(f or r for _, f, r in months),
    )


def by_colour(colours: dict[Colour, int]) -> Chart:
    """One horizontal bar per colour, its count at the end."""
    height, row, top_gap = 100, 30, 6
    left, plot_w = 56, WIDTH - 56 - 56
    top = max(1, max(colours.values(), default=0))
    bars, labels = [], []
    total = sum(colours.values())
    for n, colour in enumerate((Colour.RED, Colour.YELLOW, Colour.GREEN)):
        count = colours.get(colour, 0)
        y = top_gap + n * row
        w = plot_w * count / top
        bars.append(Bar(left, y, round(w, 1), 20, colour.value, f"{colour.zh} {count} 家"))
        labels.append(Label(left - 6, y + 15, colour.zh, "end"))
        share = f"({round(100 * count / total)}%)" if total else ""
        labels.append(Label(round(left + w + 4, 1), y + 15, f"{count}{share}", "start", "value"))
    return Chart("企业三色码分布", WIDTH, height, tuple(bars), tuple(labels), (), (), total == 0)
