"""The report's charts: well-formed SVG, labels escaped, geometry in proportion to the data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from salon.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed, or this raises
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title") is not None
    return root


def rects(root: ET.Element) -> list[dict[str, float]]:
    return [
        {k: float(v) for k, v in r.attrib.items() if k in ("x", "y", "width", "height")}
        for r in root.iter(f"{SVG}rect")
    ]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_bar_widths_are_in_proportion_and_intervals_are_whiskers():
    rows = [
        {"label": "a", "value": 2.0},
        {"label": "b", "value": 4.0, "low": 3.0, "high": 5.0},
        {"label": "c", "value": 1.0},
    ]
    root = parse(charts.bar_chart(rows, title="Bars"))
    widths = [r["width"] for r in rects(root)]
    assert widths[1] == pytest.approx(2 * widths[0], rel=1e-3)
    assert widths[0] == pytest.approx(2 * widths[2], rel=1e-3)
    assert len(list(root.iter(f"{SVG}path"))) == 1  # one whisker, for the row with an interval
    assert texts(root)[1:4] == ["a", "2", "b"]


def test_labels_are_escaped_and_cut():
    svg = charts.bar_chart(
        [{"label": "<script>alert(1)</script> & a very long channel name indeed", "value": 1}],
        title="<b>Title</b>",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    label = texts(parse(svg))[1]
    assert len(label) == 30 and label.endswith("…")


def test_the_funnel_is_in_proportion_and_says_each_conversion():
    stages = [
        {"stage": "online", "people": 100},
        {"stage": "conversed", "people": 25, "conversion": 0.25},
        {"stage": "met", "people": 0, "conversion": 0.0},
    ]
    root = parse(charts.funnel_chart(stages, title="Funnel"))
    widths = [r["width"] for r in rects(root)]
    assert widths[0] == pytest.approx(4 * widths[1]) and widths[2] == 0
    assert "25  (25% of the step before)" in texts(root)


def test_the_budget_bar_adds_up_to_the_hours_with_the_cap_marked():
    parts = [{"label": "channels", "hours": 2.5}, {"label": "conversations", "hours": 1.5}]
    root = parse(charts.budget_chart(parts, cap=5, title="Week"))
    bars = rects(root)[:2]
    line = next(root.iter(f"{SVG}line"))
    plot = 640 - 2 * 12
    assert bars[0]["width"] == pytest.approx(plot * 2.5 / 5, abs=0.1)
    assert bars[1]["x"] == pytest.approx(bars[0]["x"] + bars[0]["width"], abs=0.1)
    assert float(line.attrib["x1"]) == pytest.approx(12 + plot, abs=0.1)  # the cap, at 5 h
    assert "cap 5 h" in texts(root) and "channels: 2.5 h" in texts(root)


def test_adoption_curves_end_together_at_now_and_forecasts_sit_at_their_horizon():
    series = [
        {
            "label": "long",
            "observed": [1, 2, 3, 4, 5],
            "forecast": [{"horizon": 6, "adopters": 8, "low": 6, "high": 11}],
        },
        {"label": "short", "observed": [1, 2], "forecast": []},
    ]
    root = parse(charts.adoption_chart(series, title="Adoption", period="month"))
    lines = [p.attrib["points"].split() for p in root.iter(f"{SVG}polyline")]
    long_end = float(lines[0][-1].split(",")[0])
    short_end = float(lines[-1][-1].split(",")[0])
    assert long_end == pytest.approx(short_end)  # both end at now
    forecast_end = float(lines[1][-1].split(",")[0])
    left, plot_w = 56, 640 - 56 - 270
    assert forecast_end == pytest.approx(left + plot_w, abs=0.1)  # now + 6 is the axis' end
    assert long_end == pytest.approx(left + plot_w * 4 / 10, abs=0.1)
    band = next(root.iter(f"{SVG}polygon")).attrib["points"].split()
    assert len(band) == 4  # now and +6, high then low
    assert {"now", "+6 months", "-4 months", "long: 8 (6–11)", "short: 2"} <= set(texts(root))


def test_the_attention_map_draws_every_node_and_only_edges_between_them():
    nodes = [
        {"id": 1, "label": "Ana", "role": "setter", "x": 0.7, "y": 0.5},
        {"id": 2, "label": "", "role": "member", "x": 1.0, "y": 0.5},
        {"id": 3, "label": "you", "role": "you", "x": 0.5, "y": 0.5},
    ]
    edges = [
        {"source": 2, "target": 1, "weight": 4},
        {"source": 3, "target": 1, "weight": 1, "you": True},
        {"source": 9, "target": 1, "weight": 1},  # someone not drawn
    ]
    svg = charts.attention_map(nodes, edges, title="Map")
    root = parse(svg)
    lines = list(root.iter(f"{SVG}line"))
    assert len(lines) == 2
    heavy, light = (float(line.attrib["stroke-width"]) for line in lines)
    assert heavy == pytest.approx(3.0) and light == pytest.approx(0.6 + 2.4 / 4)
    assert lines[1].attrib["stroke"] == charts.COLOURS["vermillion"]  # yours stand out
    assert len(list(root.iter(f"{SVG}circle"))) == 3 + 3  # the nodes, and the legend's three
    assert "Ana" in texts(root) and "person to win" not in texts(root)


@pytest.mark.parametrize(
    ("top", "axis"), [(0.3, 0.5), (7, 10), (12, 20), (2.1, 2.5), (99, 100), (1234, 2000)]
)
def test_axes_end_on_a_round_number(top, axis):
    assert charts._nice_top(top) == pytest.approx(axis)
