"""A forecast as an SVG chart: observed cumulative adopters, the fitted Bass curve and its
90 % band (no plotting dependency; any browser shows it)."""

from __future__ import annotations

from html import escape

import numpy as np

from salon.diffusion.bass import BassFit

WIDTH, HEIGHT, PAD = 640, 360, 48


def forecast_svg(fit: BassFit, *, horizon: int, title: str, period: str) -> str:
    end = fit.periods + horizon
    t = np.linspace(0, end, 200)
    curve = fit.m * _cdf(t, fit)
    band = None
    if len(fit.replicates):
        values = np.array([r[2] * _cdf(t, fit, r) for r in fit.replicates])
        band = np.quantile(values, [0.05, 0.95], axis=0)
    observed = np.cumsum(fit.observed)
    top = (
        max(
            float(curve.max()),
            float(observed.max()),
            float(band[1].max()) if band is not None else 0.0,
        )
        * 1.05
        or 1.0
    )

    def x(v: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * v / end

    def y(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top

    def path(xs: np.ndarray, ys: np.ndarray) -> str:
        return " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in zip(xs, ys, strict=True))

    parts = [
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
    if band is not None:
        polygon = path(t, band[1]) + " " + path(t[::-1], band[0][::-1])
        parts.append(f'<polygon points="{polygon}" fill="#9ecae1" opacity="0.5"/>')
    parts.append(
        f'<polyline points="{path(t, curve)}" fill="none" stroke="#08519c" stroke-width="2"/>'
    )
    parts.append(
        f'<line x1="{x(fit.periods):.1f}" y1="{PAD}" x2="{x(fit.periods):.1f}" '
        f'y2="{HEIGHT - PAD}" stroke="#999" stroke-dasharray="4"/>'
    )
    for k, value in enumerate(observed, start=1):
        parts.append(f'<circle cx="{x(k):.1f}" cy="{y(value):.1f}" r="3" fill="#d94801"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _cdf(t: np.ndarray, fit: BassFit, row: np.ndarray | None = None) -> np.ndarray:
    from salon.diffusion.bass import bass_cdf

    p, q = (fit.p, fit.q) if row is None else (row[0], row[1])
    return bass_cdf(t, p, q)
