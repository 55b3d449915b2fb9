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
    assert chart.read_text().startswith("<svg")
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
