"""A forecast as an SVG chart: observed cumulative adopters, the fitted Bass curve over the
history, and the forecast the text gives (by the chosen model) — anchored on the adopters
counted so far, bounded by the segment, with its 90 % prediction band and the same labelled
numbers (no plotting dependency; any browser shows it)."""

from __future__ import annotations

from html import escape

import numpy as np

from salon.diffusion.bass import BassFit

WIDTH, HEIGHT, PAD = 640, 360, 48


def plural(count: float, word: str, many: str | None = None) -> str:
    """``1 week``, ``2 weeks``, ``1,234 people`` (``many`` when the plural is irregular)."""
    return f"{count:,.0f} {word if round(count) == 1 else many or word + 's'}"


def forecast_label(forecast: dict[str, object], period: str) -> str:
    """``+6 weeks: 480 adopters (90% 451–480)``, as the CLI prints it."""
    adopters = float(forecast["adopters"])  # type: ignore[arg-type]
    text = f"+{plural(int(forecast['horizon']), period)}: {plural(adopters, 'adopter')}"  # type: ignore[call-overload]
    if "low" in forecast:
        low, high = float(forecast["low"]), float(forecast["high"])  # type: ignore[arg-type]
        if forecast.get("unbounded"):
            text += f" (90% from {low:,.0f}; no upper limit: the market size is not pinned)"
        else:
            text += f" (90% {low:,.0f}–{high:,.0f})"
    if forecast.get("at_segment_size"):
        text += ", the whole segment"
    return text


def forecast_svg(
    observed: list[float] | np.ndarray,
    path: list[dict[str, object]],
    *,
    fit: BassFit | None,
    horizons: list[int],
    title: str,
    period: str,
) -> str:
    """The chart of the observed adopters, the Bass curve fitted to them (when there is
    one), and the chosen model's forecasts ``path`` (1..len(path) periods ahead) with their
    band; the forecasts at ``horizons`` are labelled as the text gives them."""
    counts = np.asarray(observed, dtype=np.float64)
    periods, horizon = len(counts), len(path)
    end = periods + horizon
    cumulative = np.cumsum(counts)
    t = np.linspace(0, periods, 100)
    curve = fit.m * _cdf(t, fit) if fit is not None else None
    future_t = np.arange(periods, end + 1, dtype=np.float64)
    future = np.array([cumulative[-1]] + [float(f["adopters"]) for f in path])  # type: ignore[arg-type]
    band = np.array(
        [[cumulative[-1]] + [float(f[k]) for f in path] for k in ("low", "high")]  # type: ignore[arg-type]
    )
    top = max(float(future.max()), float(cumulative.max()), float(band[1].max()))
    if curve is not None:
        top = max(top, float(curve.max()))
    top = top * 1.05 or 1.0

    def x(v: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * v / end

    def y(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top

    def line(xs: np.ndarray, ys: np.ndarray) -> str:
        return " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in zip(xs, ys, strict=True))

    parts = _frame(title, period, top)
    polygon = line(future_t, band[1]) + " " + line(future_t[::-1], band[0][::-1])
    parts.append(f'<polygon points="{polygon}" fill="#9ecae1" opacity="0.5"/>')
    if curve is not None:
        parts.append(
            f'<polyline points="{line(t, curve)}" fill="none" stroke="#08519c" stroke-width="2"/>'
        )
    parts.append(
        f'<polyline points="{line(future_t, future)}" fill="none" stroke="#08519c" '
        'stroke-width="2" stroke-dasharray="6 3"/>'
    )
    parts.append(
        f'<line x1="{x(periods):.1f}" y1="{PAD}" x2="{x(periods):.1f}" '
        f'y2="{HEIGHT - PAD}" stroke="#999" stroke-dasharray="4"/>'
    )
    for k, value in enumerate(cumulative, start=1):
        parts.append(f'<circle cx="{x(k):.1f}" cy="{y(value):.1f}" r="3" fill="#d94801"/>')
    for row, h in enumerate(horizons):
        forecast = path[h - 1]
        px, py = x(periods + h), y(float(forecast["adopters"]))  # type: ignore[arg-type]
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#08519c"/>')
        parts.append(
            f'<text x="{PAD + 8}" y="{PAD + 14 + 16 * row}" fill="#08519c">'
            f"{escape(forecast_label(forecast, period))}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _frame(title: str, period: str, top: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="12">',
        f'<text x="{PAD}" y="24" font-size="14">{escape(title)}</text>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#444"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#444"/>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle">{period}s since the '
        "first adoption</text>",
        f'<text x="8" y="{PAD - 8}">{top:,.0f}</text>',
    ]


def _cdf(t: np.ndarray, fit: BassFit) -> np.ndarray:
    from salon.diffusion.bass import bass_cdf

    return bass_cdf(t, fit.p, fit.q)
