"""A forecast as an SVG chart: observed cumulative adopters, the fitted Bass curve over the
history, and the forecast the text gives — anchored on the adopters counted so far, bounded by
the segment, with its 90 % prediction band and the same labelled numbers (no plotting
dependency; any browser shows it)."""

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


def forecast_svg(fit: BassFit, *, horizon: int, title: str, period: str) -> str:
    """The chart of a fit and its anchored forecasts 1..``horizon`` periods ahead."""
    ahead = [fit.forecast(h) for h in range(1, horizon + 1)]
    end = fit.periods + horizon
    t = np.linspace(0, fit.periods, 100)
    curve = fit.m * _cdf(t, fit)
    observed = np.cumsum(fit.observed)
    future_t = np.arange(fit.periods, end + 1, dtype=np.float64)
    future = np.array([observed[-1]] + [float(f["adopters"]) for f in ahead])  # type: ignore[arg-type]
    band = None
    if "low" in ahead[0]:
        band = np.array(
            [[observed[-1]] + [float(f[k]) for f in ahead] for k in ("low", "high")]  # type: ignore[arg-type]
        )
    top = max(float(curve.max()), float(future.max()), float(observed.max()))
    if band is not None:
        top = max(top, float(band[1].max()))
    top = top * 1.05 or 1.0

    def x(v: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * v / end

    def y(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top

    def path(xs: np.ndarray, ys: np.ndarray) -> str:
        return " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in zip(xs, ys, strict=True))

    parts = _frame(title, period, top)
    if band is not None:
        polygon = path(future_t, band[1]) + " " + path(future_t[::-1], band[0][::-1])
        parts.append(f'<polygon points="{polygon}" fill="#9ecae1" opacity="0.5"/>')
    parts.append(
        f'<polyline points="{path(t, curve)}" fill="none" stroke="#08519c" stroke-width="2"/>'
    )
    parts.append(
        f'<polyline points="{path(future_t, future)}" fill="none" stroke="#08519c" '
        'stroke-width="2" stroke-dasharray="6 3"/>'
    )
    parts.append(
        f'<line x1="{x(fit.periods):.1f}" y1="{PAD}" x2="{x(fit.periods):.1f}" '
        f'y2="{HEIGHT - PAD}" stroke="#999" stroke-dasharray="4"/>'
    )
    for k, value in enumerate(observed, start=1):
        parts.append(f'<circle cx="{x(k):.1f}" cy="{y(value):.1f}" r="3" fill="#d94801"/>')
    for line, h in enumerate(sorted({min(6, horizon), horizon})):
        forecast = ahead[h - 1]
        px, py = x(fit.periods + h), y(float(forecast["adopters"]))  # type: ignore[arg-type]
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#08519c"/>')
        parts.append(
            f'<text x="{PAD + 8}" y="{PAD + 14 + 16 * line}" fill="#08519c">'
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
