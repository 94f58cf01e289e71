"""A bar chart with its axes laid out for an inline SVG (drawn by a template, no JavaScript)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

# The whole drawing, and the plot inside it (room on the left for values, below for dates).
WIDTH = 600
HEIGHT = 170
LEFT = 34
RIGHT = 6
TOP = 14
BOTTOM = 22
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
GAP = 2


@dataclass(frozen=True, slots=True)
class Bar:
    day: date
    completed: int
    failed: int
    x: float
    width: float
    completed_y: float
    completed_height: float
    failed_y: float
    failed_height: float

    @property
    def total(self) -> int:
        return self.completed + self.failed

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def label_y(self) -> float:
        return round(min(self.completed_y, self.failed_y) - 2, 2)


@dataclass(frozen=True, slots=True)
class Tick:
    value: int | str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Chart:
    bars: list[Bar]
    y_ticks: list[Tick]  # values on the left axis, with their gridline height
    x_ticks: list[Tick]  # dates under the bars
    top: int

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_top: int = TOP
    plot_bottom: int = TOP + PLOT_HEIGHT
    plot_right: int = WIDTH - RIGHT


def _nice_top(value: int) -> int:
    """The axis' top: the busiest day rounded up to 1, 2 or 5 times a power of ten (at least 4),
    so the ticks at a quarter, half and three quarters are whole numbers where possible."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def daily_chart(per_day: list[tuple[date, int, int]]) -> Chart:
    """One stacked bar per day (completed below, failed above), with a value axis scaled to
    the busiest day, dates every week, and each non-zero day's total above its bar."""
    if not per_day:
        return Chart(bars=[], y_ticks=[], x_ticks=[], top=0)
    busiest = max(completed + failed for _, completed, failed in per_day)
    top = _nice_top(busiest)
    slot = PLOT_WIDTH / len(per_day)
    bottom = TOP + PLOT_HEIGHT
    bars = []
    x_ticks = []
    for index, (day, completed, failed) in enumerate(per_day):
        completed_height = PLOT_HEIGHT * completed / top
        failed_height = PLOT_HEIGHT * failed / top
        x = LEFT + index * slot + GAP / 2
        bars.append(
            Bar(
                day=day,
                completed=completed,
                failed=failed,
                x=round(x, 2),
                width=round(slot - GAP, 2),
                completed_y=round(bottom - completed_height, 2),
                completed_height=round(completed_height, 2),
                failed_y=round(bottom - completed_height - failed_height, 2),
                failed_height=round(failed_height, 2),
            )
        )
        if (len(per_day) - 1 - index) % 7 == 0:
            x_ticks.append(
                Tick(value=f"{day:%b} {day.day}", x=round(x + (slot - GAP) / 2, 2), y=HEIGHT - 6)
            )
    y_ticks = [
        Tick(value=round(top * share / 4), x=LEFT - 4, y=round(bottom - PLOT_HEIGHT * share / 4, 2))
        for share in range(5)
    ]
    return Chart(bars=bars, y_ticks=y_ticks, x_ticks=x_ticks, top=top)


def daily_bars(per_day: list[tuple[date, int, int]]) -> list[Bar]:
    return daily_chart(per_day).bars
