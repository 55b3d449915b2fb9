import functools
import gzip
import json
import re
import statistics
from datetime import UTC, datetime

import pytest

from salon.store.adoptions import adoption_times, list_innovations
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "src/salon/data/quantumcomputing_posts.jsonl.gz"


def _firsts_by_hand() -> dict[str, dict[str, int]]:
    """The sample read with plain Python: for each innovation (each tag, the site's channel,
    the platform, and channel:qc, where the mentions are), each author's first time."""
    firsts: dict[str, dict[str, int]] = {}
    with gzip.open(SAMPLE, "rt") as f:
        for line in f:
            post = json.loads(line)
            at = int(datetime.fromisoformat(post["time"].replace("Z", "+00:00")).timestamp())
            names = [f"tag:{t}" for t in post["tags"] or []]
            names += ["platform:qc", f"channel:{post['channel']}"]
            if re.search(r"(?<![\w@.])@\w", post["text"]):  # a mention of a handle
                names.append("channel:qc")
            for name in names:
                times = firsts.setdefault(name, {})
                times[post["author"]] = min(at, times.get(post["author"], at))
    return firsts


@functools.cache
def _display_names() -> dict[str, str]:
    """Each author id's display name, as the sample gives it."""
    with gzip.open(SAMPLE, "rt") as f:
        return {p["author"]: p["author_name"] for p in map(json.loads, f)}


def _innovativeness_by_hand(firsts: dict[str, dict[str, int]]) -> dict[str, tuple[float, int]]:
    """Minus each author's mean z-score of adoption time over innovations of 5+ adopters."""
    z: dict[str, list[float]] = {}
    for times in firsts.values():
        if len(times) < 5:
            continue
        mu, sigma = statistics.fmean(times.values()), statistics.pstdev(times.values())
        for author, at in times.items():
            z.setdefault(author, []).append((at - mu) / sigma)
    return {a: (-statistics.fmean(scores), len(scores)) for a, scores in z.items()}


def test_innovations_from_the_store(fresh_store):
    import salon

    salon.import_paths(fresh_store, [SAMPLE], options=salon.ImportOptions(namespace="qc"))
    found = {i.name: i.adopters for i in list_innovations(fresh_store)}
    assert found["platform:qc"] == 332
    assert found["tag:quantum-gate"] == len(adoption_times(fresh_store, "tag:quantum-gate"))


def test_cli(tmp_path):
    db = tmp_path / "s.db"
    assert run_cli("import", "--namespace", "qc", str(SAMPLE), db=db).returncode == 0
    out = json.loads(run_cli("innovations", "--json", db=db).stdout)
    firsts = _firsts_by_hand()
    expected = sorted(
        (
            {"name": n, "adopters": len(t), "first": min(t.values()), "last": max(t.values())}
            for n, t in firsts.items()
        ),
        key=lambda i: (-i["adopters"], i["name"]),
    )
    assert out == expected[: len(out)] and len(out) >= 5
    assert [i["adopters"] for i in out[:3]] == [332, 332, 82]
    stages = json.loads(
        run_cli("adoption", "tag:quantum-gate", "--period", "week", "--json", db=db).stdout
    )
    assert sum(stages["shares"].values()) == 1
    # The Stack Exchange data start at the site's launch: the first adopter of the site is at
    # the window's start (left), and its weekly arrivals fell from 42 to 7 (not right).
    site = json.loads(
        run_cli("adoption", "platform:qc", "--period", "week", "--json", db=db).stdout
    )
    censored = site["censoring"]
    assert censored["left"] is True and censored["right"] is False
    assert censored["window"]["start"] == site["people"][0]["adopted"] == "2018-03-12T17:00:45Z"
    chart = tmp_path / "gate.svg"
    result = run_cli(
        "forecast",
        "tag:quantum-gate",
        "--period",
        "week",
        "--backtest",
        "4",
        "--plot",
        str(chart),
        "--json",
        db=db,
    )
    forecast = json.loads(result.stdout)
    assert [f["horizon"] for f in forecast["forecasts"]] == [6, 12]
    assert forecast["backtest"]["hidden"] == 4
    svg = chart.read_text()
    assert svg.startswith("<svg")
    for f in forecast["forecasts"]:  # the chart shows the numbers the text and JSON give
        assert f"+{f['horizon']} weeks: {f['adopters']:,.0f} adopters" in svg
        assert f"(90% {f['low']:,.0f}–{f['high']:,.0f})" in svg
    assert forecast["censoring"]["left"] is True and forecast["bass"]["at_bounds"] == []
    assert forecast["model"]["chosen"] in ("bass", "damped trend", "no growth")
    assert set(forecast["model"]["held_out_mape"]) == {"bass", "damped trend", "no growth"}
    assert all(f["model"] == forecast["model"]["chosen"] for f in forecast["forecasts"])
    text = run_cli("forecast", "tag:quantum-gate", "--period", "week", "--backtest", "1", db=db)
    assert "last 1 week hidden" in text.stdout and " 1 weeks" not in text.stdout
    assert "Forecast by " in text.stdout and "held out" in text.stdout
    innovators = json.loads(run_cli("innovators", "-s", "platform:qc", "--json", db=db).stdout)
    by_hand = _innovativeness_by_hand(firsts)
    assert innovators["innovations"] == sum(len(t) >= 5 for t in firsts.values()) == 66
    shown = innovators["innovators"]
    assert len(shown) == 20
    # People carry their display names (a few are shared: any of its authors may be the row).
    named: dict[str, list[tuple[float, int]]] = {}
    for author, value in by_hand.items():
        named.setdefault(_display_names()[author], []).append(value)
    for row in shown:  # each score is the author's, and no one left out scores higher
        assert any(
            (row["innovativeness"], row["innovations"]) == (pytest.approx(score, abs=5e-4), count)
            for score, count in named[row["name"]]
        ), row
    names = {row["name"] for row in shown}
    assert (
        min(row["innovativeness"] for row in shown)
        >= max(s for a, (s, _) in by_hand.items() if _display_names()[a] not in names) - 5e-4
    )
    assert shown[0]["name"] == "jknappen"  # author 18
    bad = run_cli("forecast", "tag:nothing-like-this", db=db)
    assert bad.returncode == 1 and "Too little adoption" in bad.stderr


def test_lead_lag(tmp_path):
    db = tmp_path / "s.db"
    run_cli("import", "--namespace", "qc", str(SAMPLE), db=db)
    out = json.loads(run_cli("lead-lag", "-s", "tag:quantum-algorithms", "--json", db=db).stdout)
    (channel, *_) = out["channels"]
    assert channel["channel"] == "channel:quantumcomputing.stackexchange.com"
    # the segment as the file has it: the 61 askers and answerers of the tag, all on the site
    site = _firsts_by_hand()["channel:quantumcomputing.stackexchange.com"]
    segment = _firsts_by_hand()["tag:quantum-algorithms"]
    assert channel["segment_there"] == channel["segment_size"] == len(segment) == 61
    median = statistics.median(site[a] for a in segment)
    assert channel["segment_median"] == datetime.fromtimestamp(int(median), UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert (out["agenda_setters"], channel["agenda_setters_there"]) == (20, 19)
    lead = datetime.fromisoformat(channel["agenda_setters_median"].replace("Z", "+00:00"))
    months = (median - lead.timestamp()) / (30.4375 * 86400)
    assert channel["lag_months"] == pytest.approx(round(months, 1), abs=0.051)
    # The Q&A community's agenda-setters (its answerers) were there from the start.
    assert channel["agenda_setters_median"] <= channel["segment_median"]


def _higgs_sample(tmp_path, before: int | None = None):
    """Every 25th line of SNAP's Higgs activity (1–7 July 2012), imported as edges."""
    import gzip

    from tests.conftest import shared

    source = shared("higgs_twitter/higgs-activity_time.txt.gz")
    with gzip.open(source, "rt") as f:
        lines = [x for i, x in enumerate(f) if i % 25 == 0]
    if before is not None:
        lines = [x for x in lines if int(x.split()[2]) < before]
    path = tmp_path / "higgs.txt"
    path.write_text("".join(lines))
    db = tmp_path / "h.db"
    assert run_cli("import", "--namespace", "higgs", str(path), db=db).returncode == 0
    return db


def test_higgs_censoring_from_the_store(tmp_path):
    db = _higgs_sample(tmp_path)
    out = run_cli("adoption", "channel:higgs", "--period", "day", "--json", db=db)
    censored = json.loads(out.stdout)["censoring"]
    assert censored["left"] is True and censored["right"] is False
    assert censored["window"]["start"].startswith("2012-07-01")
    text = run_cli("adoption", "channel:higgs", "--period", "day", db=db).stdout
    assert "Left-censored" in text and "Right-censored" not in text


def test_higgs_collected_before_the_announcement(tmp_path):
    db = _higgs_sample(tmp_path, before=1341360000)  # stop before 4 July 2012
    out = json.loads(
        run_cli("adoption", "channel:higgs", "--period", "day", "--json", db=db).stdout
    )
    assert out["censoring"]["right"] is True
    assert any("Right-censored" in n for n in out["censoring"]["notes"])


def test_win_reports_an_independent_estimate_and_the_guarantee(tmp_path):
    from tests.conftest import shared

    db = tmp_path / "s.db"
    run_cli(
        "import",
        "--namespace",
        "radoslaw",
        str(shared("radoslaw_email_konect/out.radoslaw_email_email")),
        db=db,
    )
    out = json.loads(run_cli("win", "-s", "platform:radoslaw", "-k", "1", "--json", db=db).stdout)
    assert out["expected_reach"] != out["selection_reach"] and out["bound_holds"] is True
    assert out["guaranteed_reach"] < out["expected_reach"]
    assert out["seeds"][-1]["cumulative_share"] == round(out["expected_share"], 4)
    text = run_cli("win", "-s", "platform:radoslaw", "-k", "1", db=db).stdout
    assert "Winning these 1 person" in text and "Guarantee: at least" in text
    assert "1 people" not in text
