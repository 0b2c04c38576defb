"""Chart geometry for the quality page, computed on the server and drawn as inline SVG by
the `charts.html` macros: no charting library, no CDN, no script (the app works offline).

Each builder turns plain numbers into frozen shapes in a fixed viewBox (pixels of a
`WIDTH` x `HEIGHT` box); the template only writes them out, escaped like any text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 34


@dataclass(frozen=True)
class Tick:
    pos: float  # y for a value tick, x for a label tick
    text: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    title: str  # the hover text: the exact figure
    css: str = "bar"


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    points: str  # SVG polyline points "x,y x,y"
    dots: tuple[tuple[float, float, str], ...]


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...] = ()
    series: tuple[Series, ...] = ()
    width: int = WIDTH
    height: int = HEIGHT
    empty: bool = False

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM


def nice_max(value: float) -> float:
    """A round top for the y axis at or above `value` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _fmt(v: float) -> str:
    return f"{v:.0f}" if v >= 10 or v == int(v) else f"{v:g}"


def _y_ticks(top: float, n: int = 4) -> tuple[Tick, ...]:
    plot_h = HEIGHT - TOP - BOTTOM
    return tuple(Tick(HEIGHT - BOTTOM - plot_h * i / n, _fmt(top * i / n)) for i in range(n + 1))


def _y(value: float, top: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return round(HEIGHT - BOTTOM - plot_h * min(value, top) / top, 1)


def _slots(n: int) -> tuple[float, float]:
    """(left edge, width) of n equal slots across the plot."""
    plot_w = WIDTH - LEFT - RIGHT
    return float(LEFT), plot_w / max(n, 1)


def _sparse(labels: Sequence[str], centers: Sequence[float], most: int = 12) -> tuple[Tick, ...]:
    every = max(1, math.ceil(len(labels) / most))
    return tuple(Tick(round(c, 1), lab) for i, (lab, c) in enumerate(zip(labels, centers, strict=True))
                 if i % every == 0)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], unit: str) -> Chart:
    """One bar per label (calls per hour)."""
    top = nice_max(max(values, default=0))
    left, slot = _slots(len(values))
    bars = tuple(
        Bar(round(left + i * slot + slot * 0.15, 1), _y(v, top), round(slot * 0.7, 1),
            round(HEIGHT - BOTTOM - _y(v, top), 1), f"{labels[i]}: {_fmt(v)} {unit}")
        for i, v in enumerate(values)
    )
    centers = [left + i * slot + slot / 2 for i in range(len(values))]
    return Chart(title, unit, _y_ticks(top), _sparse(labels, centers), bars=bars,
                 empty=not any(values))


def grouped_bars(title: str, labels: Sequence[str], groups: Sequence[tuple[str, str, Sequence[float]]],
                 unit: str) -> Chart:
    """Side-by-side bars per label, one per group (name, css class, values): p50 and p95 per stage."""
    top = nice_max(max((v for _, _, vals in groups for v in vals), default=0))
    left, slot = _slots(len(labels))
    width = slot * 0.7 / max(len(groups), 1)
    bars: list[Bar] = []
    for g, (name, css, vals) in enumerate(groups):
        for i, v in enumerate(vals):
            x = left + i * slot + slot * 0.15 + g * width
            bars.append(Bar(round(x, 1), _y(v, top), round(width * 0.9, 1), round(HEIGHT - BOTTOM - _y(v, top), 1),
                            f"{labels[i]} {name}: {_fmt(v)} {unit}", css))
    centers = [left + i * slot + slot / 2 for i in range(len(labels))]
    return Chart(title, unit, _y_ticks(top), _sparse(labels, centers), bars=tuple(bars), empty=not labels)


def line_chart(title: str, labels: Sequence[str], lines: Sequence[tuple[str, str, Sequence[float]]],
               unit: str) -> Chart:
    """A polyline per series over the labels (p50 and p95 per day)."""
    top = nice_max(max((v for _, _, vals in lines for v in vals), default=0))
    left, slot = _slots(len(labels))
    centers = [left + i * slot + slot / 2 for i in range(len(labels))]
    series = []
    for name, css, vals in lines:
        dots = tuple((round(centers[i], 1), _y(v, top), f"{labels[i]} {name}: {_fmt(v)} {unit}")
                     for i, v in enumerate(vals))
        series.append(Series(name, css, " ".join(f"{x},{y}" for x, y, _ in dots), dots))
    return Chart(title, unit, _y_ticks(top), _sparse(labels, centers), series=tuple(series), empty=not labels)


@dataclass(frozen=True)
class ShareBar:
    """One 100% bar split into the outcome kinds."""

    parts: tuple[Bar, ...]
    total: int
    width: int = WIDTH
    height: int = 40


def share_bar(parts: Sequence[tuple[str, str, int]]) -> ShareBar:
    """(label, css class, count) as widths of one bar across the box."""
    total = sum(n for _, _, n in parts)
    x = 0.0
    out = []
    for label, css, n in parts:
        w = WIDTH * n / total if total else 0.0
        share = 100 * n / total if total else 0.0
        out.append(Bar(round(x, 1), 0.0, round(w, 1), 40.0, f"{label}: {n} ({share:.0f}%)", css))
        x += w
    return ShareBar(tuple(out), total)
