"""The report's charts as inline SVG: pure functions of plain numbers and labels, returning
one ``<svg>`` element as text (no plotting dependency, no external font or request; any
browser, and Chromium's PDF, shows them). The web app may reuse them.

Every chart has a ``<title>`` and ``role="img"`` (screen readers read the title), escapes
every label, and uses the Okabe–Ito colours, which colour-blind readers tell apart.

>>> svg = bar_chart([{"label": "Stack Exchange", "value": 0.8}], title="Where")
>>> svg.startswith("<svg") and "Stack Exchange" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

#: Okabe–Ito: tell-apart colours for every kind of colour vision.
COLOURS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#999999",
    "ink": "#222222",
}
#: The colours of the time budget's parts and the series of a chart, in turn.
SERIES = ("blue", "orange", "green", "purple", "sky", "vermillion", "grey")
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"'


def _open(width: float, height: float, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" {FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
    ]


def _text(x: float, y: float, text: str, **attrs: Any) -> str:
    extra = " ".join(f'{k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" {extra}>{escape(text)}</text>'


def _title(title: str, width: float) -> str:
    """The chart's title, top left, cut to the width."""
    return _text(
        8, 20, _fit(title, int(width / 7.5)), font_size=14, font_weight="600", fill=COLOURS["ink"]
    )


def _fit(text: str, chars: int) -> str:
    """``text`` cut to ``chars`` characters with an ellipsis."""
    return text if len(text) <= chars else text[: max(chars - 1, 1)] + "…"


def _nice_top(value: float) -> float:
    """The axis' top: 1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover (the loop ends at 10)


def _number(value: float, unit: str = "") -> str:
    if unit == "%":
        return f"{value:.0%}"
    if abs(value) >= 100 or float(value).is_integer():
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:,.1f}"
    else:
        text = f"{value:,.2f}"
    return f"{text}{(' ' + unit) if unit else ''}"


def bar_chart(
    rows: Sequence[dict[str, Any]],
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    colour: str = "blue",
    label_width: int = 236,
    top: float | None = None,
) -> str:
    """Horizontal bars, one a row: ``{"label", "value"}`` and optionally ``"low"``/``"high"``
    (an interval, drawn as a whisker) and ``"note"`` (a grey word after the number).
    ``unit`` ``"%"`` shows values as percentages; ``label_width`` is the labels' room (px);
    ``top`` the axis' end (default: a round number above the largest).

    >>> svg = bar_chart([{"label": "a", "value": 2, "low": 1, "high": 3}], title="t")
    >>> svg.count("<rect"), "2" in svg
    (1, True)
    """
    label_w, row_h, top_pad = label_width, 26, 34
    height = top_pad + row_h * max(len(rows), 1) + 16
    top = top or _nice_top(max([float(r.get("high", r["value"])) for r in rows] + [0.0]))
    plot_w = width - label_w - 120

    def x(v: float) -> float:
        return label_w + plot_w * max(v, 0.0) / top

    parts = _open(width, height, title)
    parts.append(_title(title, width))
    if not rows:
        parts.append(_text(label_w, top_pad + 16, "nothing to show", fill=COLOURS["grey"]))
    for i, row in enumerate(rows):
        y = top_pad + row_h * i
        value = float(row["value"])
        parts.append(
            _text(
                label_w - 8, y + 15, _fit(str(row["label"]), (label_w - 26) // 7), text_anchor="end"
            )
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4:.1f}" width="{x(value) - label_w:.1f}" '
            f'height="{row_h - 10}" fill="{COLOURS[colour]}" rx="2"/>'
        )
        end = x(value)
        if "low" in row and "high" in row:
            lo, hi = x(float(row["low"])), x(float(row["high"]))
            mid = y + row_h / 2 - 1
            parts.append(
                f'<path d="M{lo:.1f},{mid:.1f}H{hi:.1f}M{lo:.1f},{mid - 5:.1f}v10'
                f'M{hi:.1f},{mid - 5:.1f}v10" stroke="{COLOURS["ink"]}" fill="none"/>'
            )
            end = max(end, hi)
        label = _number(value, unit)
        if row.get("note"):
            label += f"  {row['note']}"
        parts.append(_text(end + 6, y + 15, label, fill=COLOURS["ink"]))
    parts.append("</svg>")
    return "\n".join(parts)


def funnel_chart(stages: Sequence[dict[str, Any]], *, title: str, width: int = 640) -> str:
    """The relationship funnel: one centred bar a stage (``{"stage", "people"}`` and
    optionally ``"conversion"``, the share of the stage before that reached it), widths in
    proportion to the people, the count and the conversion beside each.

    >>> svg = funnel_chart([{"stage": "online", "people": 10},
    ...                     {"stage": "met", "people": 2, "conversion": 0.2}], title="Funnel")
    >>> "20% of the step before" in svg
    True
    """
    row_h, top_pad, label_w = 34, 34, 110
    height = top_pad + row_h * max(len(stages), 1) + 12
    most = max([float(s["people"]) for s in stages] + [1.0])
    plot_w = width - label_w - 190
    centre = label_w + plot_w / 2
    parts = _open(width, height, title)
    parts.append(_title(title, width))
    for i, stage in enumerate(stages):
        y = top_pad + row_h * i
        people = float(stage["people"])
        w = plot_w * people / most if people > 0 else 0.0
        colour = COLOURS[SERIES[i % len(SERIES)]]
        parts.append(_text(label_w - 10, y + 19, str(stage["stage"]), text_anchor="end"))
        parts.append(
            f'<rect x="{centre - w / 2:.1f}" y="{y + 3}" width="{w:.1f}" '
            f'height="{row_h - 8}" fill="{colour}" rx="3"/>'
        )
        words = f"{people:,.0f}"
        conversion = stage.get("conversion")
        if conversion is not None:
            words += f"  ({conversion:.0%} of the step before)"
        parts.append(_text(label_w + plot_w + 10, y + 19, words, fill=COLOURS["ink"]))
    parts.append("</svg>")
    return "\n".join(parts)


def budget_chart(
    parts_: Sequence[dict[str, Any]], *, cap: float, title: str, width: int = 640
) -> str:
    """The weekly time budget: one stacked bar of hours (``{"label", "hours"}``), the cap
    marked, and a legend with each part's hours.

    >>> svg = budget_chart([{"label": "replies", "hours": 1.5},
    ...                     {"label": "meetings", "hours": 2}], cap=4, title="Week")
    >>> "1.5 h" in svg and "cap 4 h" in svg
    True
    """
    bar_y, bar_h, pad = 40, 34, 12
    legend_rows = math.ceil(len(parts_) / 2)
    height = bar_y + bar_h + 30 + 22 * legend_rows
    total = sum(float(p["hours"]) for p in parts_)
    scale_top = max(total, cap, 1e-9)
    plot_w = width - 2 * pad
    parts = _open(width, height, title)
    parts.append(_text(pad, 20, title, font_size=14, font_weight="600", fill=COLOURS["ink"]))
    x = float(pad)
    for i, part in enumerate(parts_):
        w = plot_w * float(part["hours"]) / scale_top
        colour = COLOURS[SERIES[i % len(SERIES)]]
        parts.append(
            f'<rect x="{x:.1f}" y="{bar_y}" width="{max(w, 0):.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
        )
        if w > 40:
            parts.append(
                _text(
                    x + w / 2,
                    bar_y + bar_h / 2 + 4,
                    f"{float(part['hours']):g} h",
                    text_anchor="middle",
                    fill="#ffffff",
                )
            )
        x += w
    cap_x = pad + plot_w * cap / scale_top
    parts.append(
        f'<line x1="{cap_x:.1f}" y1="{bar_y - 8}" x2="{cap_x:.1f}" y2="{bar_y + bar_h + 8}" '
        f'stroke="{COLOURS["ink"]}" stroke-width="2" stroke-dasharray="4 3"/>'
    )
    anchor = "end" if cap_x > width - 80 else "start"
    parts.append(
        _text(
            cap_x + (-4 if anchor == "end" else 4),
            bar_y - 10,
            f"cap {cap:g} h",
            text_anchor=anchor,
            fill=COLOURS["ink"],
        )
    )
    for i, part in enumerate(parts_):
        lx = pad + (i % 2) * (plot_w / 2)
        ly = bar_y + bar_h + 24 + 22 * (i // 2)
        colour = COLOURS[SERIES[i % len(SERIES)]]
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(lx + 18, ly, f"{_fit(str(part['label']), 42)}: {part['hours']:g} h"))
    parts.append("</svg>")
    return "\n".join(parts)


def adoption_chart(
    series: Sequence[dict[str, Any]], *, title: str, period: str, width: int = 640
) -> str:
    """Adoption curves and their forecasts on one axis: each series
    ``{"label", "observed": [cumulative adopters per period, up to now], "forecast":
    [{"adopters", "low", "high", "horizon"}, …]}`` (``horizon``: periods ahead, else the
    place in the list); the observed curves end together at "now" (the end of the data), the
    forecasts dashed inside their shaded 90 % bands, the last one labelled with its interval.

    >>> svg = adoption_chart([{"label": "x", "observed": [1, 3, 4],
    ...     "forecast": [{"adopters": 5, "low": 4, "high": 7}]}], title="t", period="week")
    >>> "x: 5 (4–7)" in svg and ">now</text>" in svg and ">+1 week</text>" in svg
    True
    """
    height, left, right, top_pad, bottom = 340, 56, 270, 34, 40
    now = max([len(s["observed"]) - 1 for s in series] + [0])
    horizons = sorted({_ahead(s.get("forecast") or []) for s in series} - {0})
    end = max(now + (horizons[-1] if horizons else 0), 1)
    values = [0.0]
    for s in series:
        values += [float(v) for v in s["observed"]]
        values += [float(f.get("high", f["adopters"])) for f in s.get("forecast", [])]
    top = _nice_top(max(values))
    plot_w, plot_h = width - left - right, height - top_pad - bottom

    def x(t: float) -> float:
        return left + plot_w * t / end

    def y(v: float) -> float:
        return top_pad + plot_h * (1 - v / top)

    parts = _open(width, height, title)
    parts.append(_title(title, width))
    for tick in (0, top / 2, top):
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" '
            'stroke="#e3e3e3"/>'
        )
        parts.append(_text(left - 6, y(tick) + 4, _number(tick), text_anchor="end"))
    base = top_pad + plot_h + 16
    if now:
        parts.append(_text(x(0), base, f"-{now} {period}s", text_anchor="start", fill="#666666"))
    parts.append(_text(x(now), base, "now", text_anchor="middle", fill=COLOURS["ink"]))
    parts.append(
        f'<line x1="{x(now):.1f}" y1="{top_pad}" x2="{x(now):.1f}" y2="{top_pad + plot_h}" '
        'stroke="#bbbbbb" stroke-dasharray="3 3"/>'
    )
    for h in horizons[-2:]:
        words = f"+{h} {period if h == 1 else period + 's'}"
        parts.append(_text(x(now + h), base, words, text_anchor="middle", fill="#666666"))
    labels: list[tuple[float, str, str]] = []
    for i, s in enumerate(series):
        colour = COLOURS[SERIES[i % len(SERIES)]]
        observed = [float(v) for v in s["observed"]]
        start = now - (len(observed) - 1)
        points = " ".join(f"{x(start + t):.1f},{y(v):.1f}" for t, v in enumerate(observed))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        forecast = s.get("forecast") or []
        label_y = y(observed[-1]) if observed else y(0)
        label = f"{s['label']}: {observed[-1]:,.0f}" if observed else str(s["label"])
        if forecast and observed:
            ts = [now] + [now + int(f.get("horizon", k)) for k, f in enumerate(forecast, 1)]
            mid = [observed[-1]] + [float(f["adopters"]) for f in forecast]
            low = [observed[-1]] + [float(f.get("low", f["adopters"])) for f in forecast]
            high = [observed[-1]] + [float(f.get("high", f["adopters"])) for f in forecast]
            band = [f"{x(t):.1f},{y(v):.1f}" for t, v in zip(ts, high, strict=True)]
            band += [f"{x(t):.1f},{y(v):.1f}" for t, v in zip(ts[::-1], low[::-1], strict=True)]
            parts.append(f'<polygon points="{" ".join(band)}" fill="{colour}" opacity="0.18"/>')
            dashed = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(ts, mid, strict=True))
            parts.append(
                f'<polyline points="{dashed}" fill="none" stroke="{colour}" stroke-width="2" '
                'stroke-dasharray="6 4"/>'
            )
            f_last = forecast[-1]
            label = f"{s['label']}: {float(f_last['adopters']):,.0f}"
            if "low" in f_last and round(float(f_last["low"])) != round(float(f_last["high"])):
                label += f" ({float(f_last['low']):,.0f}–{float(f_last['high']):,.0f})"
            label_y = y(mid[-1])
        labels.append((label_y + 4, label, colour))
    parts += _labels_apart(labels, x=left + plot_w + 8, low=top_pad + 8, high=height - bottom)
    parts.append(
        f'<path d="M{left},{top_pad}V{top_pad + plot_h}H{left + plot_w}" stroke="#444" '
        'fill="none"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _labels_apart(
    labels: list[tuple[float, str, str]], *, x: float, low: float, high: float, gap: float = 15
) -> list[str]:
    """Labels ``(y, text, colour)`` at ``x``, moved apart vertically so none overlap."""
    placed: list[tuple[float, str, str]] = []
    for y, text, colour in sorted(labels):
        y = max(y, low, placed[-1][0] + gap if placed else low)
        placed.append((y, text, colour))
    shift = max((placed[-1][0] - high) if placed else 0.0, 0.0)
    return [_text(x, y - shift, _fit(text, 38), fill=colour) for y, text, colour in placed]


def _ahead(forecast: Sequence[dict[str, Any]]) -> int:
    """How many periods ahead the last of ``forecast`` is (its ``horizon``, else its place)."""
    return int(forecast[-1].get("horizon", len(forecast))) if forecast else 0


#: How each role is drawn on the attention map: colour, radius, legend words.
ROLES = {
    "you": ("vermillion", 11, "you"),
    "setter": ("blue", 9, "agenda-setter"),
    "win": ("orange", 8, "person to win"),
    "member": ("grey", 4, "segment member"),
}


def attention_map(
    nodes: Sequence[dict[str, Any]],
    edges: Sequence[dict[str, Any]],
    *,
    title: str,
    width: int = 640,
    height: int = 520,
) -> str:
    """A static network picture: ``nodes`` ``{"id", "label", "role", "x", "y"}`` (x, y in
    0..1; role one of :data:`ROLES`), ``edges`` ``{"source", "target", "weight"}`` (who pays
    attention to whom); lines fade with weight, named roles are labelled, a legend below.

    >>> svg = attention_map([{"id": 1, "label": "Ana", "role": "setter", "x": .5, "y": .5},
    ...     {"id": 2, "label": "", "role": "member", "x": .2, "y": .2}],
    ...     [{"source": 2, "target": 1, "weight": 3}], title="Attention")
    >>> "Ana" in svg and svg.count("<circle") >= 2
    True
    """
    legend_h, pad = 30, 70
    plot_h = height - legend_h - 30
    at = {
        n["id"]: (pad + (width - 2 * pad) * float(n["x"]), 30 + (plot_h - 20) * float(n["y"]))
        for n in nodes
    }
    heaviest = max([float(e.get("weight", 1)) for e in edges] + [1.0])
    parts = _open(width, height, title)
    parts.append(_title(title, width))
    for e in edges:
        if e["source"] not in at or e["target"] not in at:
            continue
        (x1, y1), (x2, y2) = at[e["source"]], at[e["target"]]
        share = float(e.get("weight", 1)) / heaviest
        colour = COLOURS["vermillion"] if e.get("you") else "#7a7a7a"
        if e.get("within"):  # among the segment's members: the background
            colour, share = "#c8c8c8", share / 2
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{0.6 + 2.4 * share:.2f}" opacity="{0.25 + 0.5 * share:.2f}"/>'
        )
    for n in sorted(nodes, key=lambda n: n["role"] != "member"):
        colour, radius, _ = ROLES[n["role"]]
        cx, cy = at[n["id"]]
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="{COLOURS[colour]}" '
            'stroke="#ffffff" stroke-width="1.5"/>'
        )
        if n["role"] != "member" and n.get("label"):
            anchor = "start" if cx >= width / 2 else "end"
            dx = radius + 4 if anchor == "start" else -(radius + 4)
            parts.append(
                _text(
                    cx + dx,
                    cy + 4,
                    _fit(str(n["label"]), 26),
                    text_anchor=anchor,
                    fill=COLOURS["ink"],
                    paint_order="stroke",
                    stroke="#ffffff",
                    stroke_width=3,
                )
            )
    lx = 12.0
    present = {n["role"] for n in nodes}
    for role, (colour, radius, words) in ROLES.items():
        if role not in present:
            continue
        ly = height - legend_h / 2
        parts.append(
            f'<circle cx="{lx + 6:.1f}" cy="{ly:.1f}" r="{min(radius, 7)}" '
            f'fill="{COLOURS[colour]}"/>'
        )
        parts.append(_text(lx + 18, ly + 4, words))
        lx += 30 + 7 * len(words)
    parts.append(
        _text(
            lx + 6,
            height - legend_h / 2 + 4,
            "lines: attention (thicker: more)",
            fill=COLOURS["grey"],
        )
    )
    parts.append("</svg>")
    return "\n".join(parts)
