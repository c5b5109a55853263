"""Charts drawn on the server as SVG: no script, readable on a phone (the viewBox scales to the width),
and each chart sits next to the table it is drawn from, which screen readers read instead (aria-hidden
would hide the links, so the SVG is a labelled image group whose bars are links with titles)."""

from django.utils.html import format_html, format_html_join

COLOURS = {"complaint": "#dc2626", "question": "#2563eb", "praise": "#16a34a", "other": "#94a3b8"}
WIDTH, HEIGHT, BOTTOM, LEFT = 640, 220, 24, 28


def stacked_bars(days: list[dict], kinds: list[str], names: dict, link) -> str:
    """One bar per day, one segment per kind; `link(kind, day)` is where a segment leads."""
    tallest = max([sum(day[k] for k in kinds) for day in days] + [1])
    slot = (WIDTH - LEFT) / max(len(days), 1)
    bar = max(slot * 0.72, 1)
    scale = (HEIGHT - BOTTOM - 8) / tallest
    parts = []
    for i, day in enumerate(days):
        x = LEFT + i * slot + (slot - bar) / 2
        y = HEIGHT - BOTTOM
        for kind in kinds:
            if not day[kind]:
                continue
            h = day[kind] * scale
            y -= h
            parts.append(
                format_html(
                    '<a href="{}"><rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} on {}: {}</title></rect></a>",
                    link(kind, day["day"]),
                    num(x),
                    num(y),
                    num(bar),
                    num(h),
                    COLOURS[kind],
                    names[kind],
                    day["day"].strftime("%-d %b"),
                    day[kind],
                )
            )
    # Day labels: as many as fit (about one per 90 units, legible on a phone), the first always.
    every = max(1, -(-len(days) // int(WIDTH / 90)))
    for i, day in enumerate(days):
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="chart-axis">{}</text>',
                    num(LEFT + i * slot + slot / 2),
                    HEIGHT - 6,
                    day["day"].strftime("%-d %b"),
                )
            )
    parts.append(format_html('<text x="2" y="16" class="chart-axis">{}</text>', tallest))
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-base"/>', LEFT, HEIGHT - BOTTOM, WIDTH, HEIGHT - BOTTOM
        )
    )
    return svg("Messages per day by kind; the table below holds the same figures.", WIDTH, HEIGHT, parts)


def heatmap(grid: list[list[int]], weekdays: list[str], link=None) -> str:
    """Weekday rows × 24 hour columns, darker where more customers wrote; a cell with messages leads to
    them (`link(weekday, hour)`, Monday is 0)."""
    cell, left, top = 24, 46, 18
    most = max([max(row) for row in grid] + [1])
    parts = []
    for hour in range(0, 24, 3):
        parts.append(
            format_html('<text x="{}" y="11" class="chart-axis">{}</text>', left + hour * cell + 2, f"{hour:02d}")
        )
    for r, (name, row) in enumerate(zip(weekdays, grid, strict=True)):
        y = top + r * cell
        parts.append(format_html('<text x="0" y="{}" class="chart-axis">{}</text>', y + 17, name))
        for hour, n in enumerate(row):
            opacity = 0.06 if not n else 0.2 + 0.8 * n / most
            rect = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#4f46e5" fill-opacity="{}" rx="3">'
                "<title>{} {}:00: {}</title></rect>",
                left + hour * cell,
                y,
                cell - 2,
                cell - 2,
                num(opacity, 2),
                name,
                f"{hour:02d}",
                n,
            )
            parts.append(format_html('<a href="{}">{}</a>', link(r, hour), rect) if n and link else rect)
    return svg(
        "When customers write, by weekday and hour; the table below holds the same figures.",
        left + 24 * cell,
        top + 7 * cell,
        parts,
    )


def num(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}"


def svg(label: str, width: int, height: int, parts: list) -> str:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMinYMin meet">{}</svg>',
        width,
        height,
        label,
        format_html_join("", "{}", ((part,) for part in parts)),  # each part already made by format_html
    )


def legend(kinds: list[str], names: dict) -> str:
    return format_html(
        '<ul class="chart-legend">{}</ul>',
        format_html_join("", '<li><span class="swatch swatch-{}"></span>{}</li>', ((k, names[k]) for k in kinds)),
    )


def trend(weeks: list[dict]) -> str:
    """Complaint and negative shares per week as two lines on 0–100%, a dot per week with its figure."""
    width, height, top, bottom, left = 640, 190, 14, 38, 58
    step = (width - left - 40) / max(len(weeks) - 1, 1)
    parts = [
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-base"/>', left, y, width, y)
        for y in (top, height - bottom)
    ]
    parts.append(format_html('<text x="0" y="{}" class="chart-axis">100%</text>', top + 5))
    parts.append(format_html('<text x="0" y="{}" class="chart-axis">0%</text>', height - bottom + 5))
    for key, colour, name in (
        ("complaint_share", COLOURS["complaint"], "complaints"),
        ("negative_share", "#f59e0b", "negative"),
    ):
        points = [
            (left + i * step, top + (height - bottom - top) * (1 - week[key] / 100), week)
            for i, week in enumerate(weeks)
            if week[key] is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{num(x)},{num(y)}" for x, y, _ in points)
            parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>', path, colour))
        for x, y, week in points:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="5" fill="{}"><title>Week of {}: {}% {}</title></circle>',
                    num(x),
                    num(y),
                    colour,
                    week["week"].strftime("%-d %b"),
                    week[key],
                    name,
                )
            )
    every = max(1, -(-len(weeks) // 6))
    for i, week in enumerate(weeks):
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="chart-axis">{}</text>',
                    num(left + i * step),
                    height - 6,
                    week["week"].strftime("%-d %b"),
                )
            )
    return svg(
        "Share of complaints and of negative messages per week; the table below holds the same figures.",
        width,
        height,
        parts,
    )


def hour_bars(by_hour: list[int], marked: list[int], what: str) -> str:
    """24 bars, one per hour of the day, the `marked` hours (the suggested queue slots) in the brand's
    colour and the others pale: readable on a phone where the weekday × hour grid is too fine."""
    width, height, bottom, left = 640, 180, 26, 8
    slot = (width - left) / 24
    scale = (height - bottom - 22) / max(max(by_hour), 1)
    parts = []
    for hour, n in enumerate(by_hour):
        x, h = left + hour * slot + slot * 0.12, max(n * scale, 1 if n else 0)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"><title>{}:00–{}:59: {} {}</title></rect>',
                num(x),
                num(height - bottom - h),
                num(slot * 0.76),
                num(h),
                "#4f46e5" if hour in marked else "#c7d2fe",
                f"{hour:02d}",
                f"{hour:02d}",
                n,
                what,
            )  # fmt: skip
        )
        if n and hour in marked:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="chart-axis">{}</text>',
                    num(x + slot * 0.38),
                    num(height - bottom - h - 5),
                    n,
                )  # fmt: skip
            )
    for hour in range(0, 24, 3):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="chart-axis">{}</text>',
                num(left + hour * slot + slot / 2),
                height - 6,
                f"{hour:02d}",
            )  # fmt: skip
        )
    base = height - bottom
    parts.append(format_html('<line x1="0" y1="{}" x2="{}" y2="{}" class="chart-base"/>', base, width, base))
    return svg(f"{what.capitalize()} by hour of the day; the table below holds the same figures.", width, height, parts)
