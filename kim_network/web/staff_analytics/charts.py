"""Small charts as inline SVG, drawn on the server: no chart library and no script needed.

Only SVG presentation attributes are used (no `style`), so the strict Content-Security-Policy
holds. Every chart has a <title> and a text alternative; the page shows the numbers in a
table beside it as well.
"""
from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#0b4f8a"
BAR_ALT = "#b3261e"
INK = "#1b2430"
GRID = "#d3d9e1"


def _short(label: str, limit: int = 28) -> str:
    """Chart labels fit their column; the full text stays in the tooltip and the table."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _num(value) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else f"{value:.2f}"


def bar_chart(rows: list[tuple[str, int]], title: str, width: int = 560, bar_height: int = 22,
              label_width: int = 210, colour: str = BAR) -> Markup:
    """Horizontal bars, one per `(label, value)`.

    >>> "<svg" in bar_chart([("Oberbayern", 3), ("Schwaben", 1)], "Members by region")
    True
    """
    top = max((v for _, v in rows), default=0) or 1
    height = bar_height * len(rows) + 8
    span = width - label_width - 60
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = 4 + i * bar_height
        w = max(0.0, span * value / top)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.68:.1f}" text-anchor="end" font-size="13" fill="{INK}">'
            f'{escape(_short(label))}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{bar_height - 6}" fill="{colour}">'
            f'<title>{escape(label)}: {_num(value)}</title></rect>'
            f'<text x="{label_width + w + 5:.1f}" y="{y + bar_height * 0.68:.1f}" font-size="12" fill="{INK}">{_num(value)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def paired_bar_chart(rows: list[tuple[str, int, int]], title: str, first: str, second: str,
                     width: int = 560, label_width: int = 210) -> Markup:
    """Two bars per row (e.g. demand and supply of a skill), with a legend."""
    top = max((max(a, b) for _, a, b in rows), default=0) or 1
    row_h = 30
    height = row_h * len(rows) + 30
    span = width - label_width - 50
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<rect x="{label_width}" y="4" width="12" height="12" fill="{BAR_ALT}"/>'
             f'<text x="{label_width + 16}" y="14" font-size="12" fill="{INK}">{escape(first)}</text>'
             f'<rect x="{label_width + 130}" y="4" width="12" height="12" fill="{BAR}"/>'
             f'<text x="{label_width + 146}" y="14" font-size="12" fill="{INK}">{escape(second)}</text>']
    for i, (label, a, b) in enumerate(rows):
        y = 26 + i * row_h
        parts.append(f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" font-size="13" fill="{INK}">'
                     f'{escape(_short(label))}</text>')
        for j, (value, colour) in enumerate(((a, BAR_ALT), (b, BAR))):
            w = span * value / top
            parts.append(
                f'<rect class="bar" x="{label_width}" y="{y + 2 + j * 12}" width="{w:.1f}" height="11" fill="{colour}">'
                f'<title>{escape(label)}: {_num(value)}</title></rect>'
                f'<text x="{label_width + w + 4:.1f}" y="{y + 11 + j * 12}" font-size="11" fill="{INK}">{_num(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(rows: list[tuple[str, int, int]], title: str, first: str, second: str,
                 width: int = 620, height: int = 220) -> Markup:
    """Columns per period for two series side by side (e.g. joined, first project)."""
    if not rows:
        return Markup("")
    top = max((max(a, b) for _, a, b in rows), default=0) or 1
    left, bottom, head = 40, 28, 22
    plot_h = height - bottom - head
    slot = (width - left - 10) / len(rows)
    bar_w = max(2.0, min(26.0, slot / 2 - 2))
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<rect x="{left}" y="4" width="12" height="12" fill="{BAR}"/>'
             f'<text x="{left + 16}" y="14" font-size="12" fill="{INK}">{escape(first)}</text>'
             f'<rect x="{left + 170}" y="4" width="12" height="12" fill="{BAR_ALT}"/>'
             f'<text x="{left + 186}" y="14" font-size="12" fill="{INK}">{escape(second)}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="{GRID}"/>',
             f'<text x="{left - 4}" y="{head + 10}" text-anchor="end" font-size="11" fill="{INK}">{_num(top)}</text>']
    step = max(1, len(rows) // 12)
    for i, (label, a, b) in enumerate(rows):
        x = left + i * slot + 2
        for j, (value, colour) in enumerate(((a, BAR), (b, BAR_ALT))):
            h = plot_h * value / top
            parts.append(f'<rect class="bar" x="{x + j * (bar_w + 1):.1f}" y="{height - bottom - h:.1f}" width="{bar_w:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {_num(value)}</title></rect>')
        if i % step == 0:
            parts.append(f'<text x="{x + bar_w:.1f}" y="{height - 10}" text-anchor="middle" font-size="11" fill="{INK}">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
