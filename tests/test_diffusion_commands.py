import json

from salon.store.adoptions import adoption_times, list_innovations
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "src/salon/data/quantumcomputing_posts.jsonl.gz"


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
    assert out[0]["adopters"] >= out[-1]["adopters"]
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
    text = run_cli("forecast", "tag:quantum-gate", "--period", "week", "--backtest", "1", db=db)
    assert "last 1 week hidden" in text.stdout and " 1 weeks" not in text.stdout
    assert run_cli("innovators", "-s", "platform:qc", db=db).returncode == 0
    bad = run_cli("forecast", "tag:nothing-like-this", db=db)
    assert bad.returncode == 1 and "Too little adoption" in bad.stderr


def test_lead_lag(tmp_path):
    db = tmp_path / "s.db"
    run_cli("import", "--namespace", "qc", str(SAMPLE), db=db)
    out = json.loads(run_cli("lead-lag", "-s", "tag:quantum-algorithms", "--json", db=db).stdout)
    (channel, *_) = out["channels"]
    assert channel["agenda_setters_there"] >= 1
    assert isinstance(channel["lag_months"], float)
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
