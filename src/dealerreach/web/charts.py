"""Server-rendered charts: inline SVG, no script, no style attribute (the CSP allows
neither). Colours and fonts come from classes in ``static/style.css``."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
ROW = 26
BAR = 18
LABEL = 190
"""Width kept for the labels left of the bars."""
VALUE = 70
"""Width kept for the numbers right of the bars."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    key: str = ""
    """Marks the bar (``data-key``) so a page or a test can find it."""


def bar_length(value: int, *, largest: int, room: int) -> int:
    """Pixels for ``value`` when ``largest`` fills ``room``; any value above zero shows
    at least one pixel. Whole pixels, rounded half up."""
    if value <= 0 or largest <= 0:
        return 0
    return max(1, (2 * value * room + largest) // (2 * largest))


def _row(bar: Bar, *, index: int, largest: int) -> str:
    room = WIDTH - LABEL - VALUE
    length = bar_length(bar.value, largest=largest, room=room)
    y = index * ROW
    middle = y + ROW // 2
    return (
        f'<g class="chart-row" data-key="{escape(bar.key)}" data-value="{bar.value}">'
        f"<title>{escape(bar.label)}: {bar.value:,}</title>"
        f'<text class="chart-label" x="{LABEL - 8}" y="{middle}" text-anchor="end" '
        f'dominant-baseline="middle">{escape(bar.label)}</text>'
        f'<rect class="chart-bar" x="{LABEL}" y="{y + (ROW - BAR) // 2}" '
        f'width="{length}" height="{BAR}" rx="3"></rect>'
        f'<text class="chart-value" x="{LABEL + length + 6}" y="{middle}" '
        f'dominant-baseline="middle">{bar.value:,}</text></g>'
    )


def bar_chart(bars: list[Bar], *, title: str) -> Markup:
    """A horizontal bar chart, one row per bar in the given order, scaled to the largest."""
    largest = max((bar.value for bar in bars), default=0)
    height = max(ROW, len(bars) * ROW)
    rows = "".join(_row(bar, index=i, largest=largest) for i, bar in enumerate(bars))
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{rows}</svg>'
    )
