"""The report's HTML: one self-contained page (CSS inline, charts as inline SVG, no script,
no font, no image file, a Content-Security-Policy that forbids loading anything), rendered by
Jinja2 with autoescaping from ``templates/report.html.j2``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

from salon import __version__


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("salon.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    *,
    title: str,
    advice: str,
    sections: Sequence[dict[str, Any]],
    facts: Sequence[tuple[str, str]] = (),
    include_private: bool = False,
    store: str = "",
    generated: str | None = None,
) -> str:
    """The report page: ``title``, the one-sentence ``advice``, ``facts`` (label, value)
    under the title, then ``sections`` (see :mod:`salon.reports.sections`).

    >>> page = render_html(title="Goal <x>", advice="Do this.", sections=[])
    >>> "Goal &lt;x&gt;" in page, "<script" in page, page.startswith("<!DOCTYPE html>")
    (True, False, True)
    """
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        advice=advice,
        sections=[{"private": False, "lead": "", **s} for s in sections],
        facts=list(facts),
        include_private=include_private,
        store=store,
        generated=generated or dt.date.today().isoformat(),
        version=__version__,
    )
