"""A small bar chart laid out for an inline SVG (drawn by a template, no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH = 300
HEIGHT = 80
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


def daily_bars(per_day: list[tuple[date, int, int]]) -> list[Bar]:
    """One stacked bar per day (completed below, failed above), scaled to the busiest day."""
    if not per_day:
        return []
    top = max(max(completed + failed for _, completed, failed in per_day), 1)
    slot = WIDTH / len(per_day)
    bars = []
    for index, (day, completed, failed) in enumerate(per_day):
        completed_height = HEIGHT * completed / top
        failed_height = HEIGHT * failed / top
        bars.append(
            Bar(
                day=day,
                completed=completed,
                failed=failed,
                x=round(index * slot + GAP / 2, 2),
                width=round(slot - GAP, 2),
                completed_y=round(HEIGHT - completed_height, 2),
                completed_height=round(completed_height, 2),
                failed_y=round(HEIGHT - completed_height - failed_height, 2),
                failed_height=round(failed_height, 2),
            )
        )
    return bars
