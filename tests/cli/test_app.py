"""The global options of `salon` (src/salon/cli/app.py)."""

from __future__ import annotations

from tests.conftest import run_cli


def test_master_without_the_spark_engine_is_a_usage_error(tmp_path):
    done = run_cli("--master", "spark://head:7077", "stats", db=tmp_path / "s.db")
    assert done.returncode == 2, done.stdout
    said = " ".join(done.stderr.split())
    assert "--master needs --engine spark (got --master spark://head:7077" in said
    assert "Traceback" not in done.stderr
    local = run_cli("--engine", "local", "--master", "yarn", "stats", db=tmp_path / "s.db")
    assert local.returncode == 2 and "needs --engine spark" in " ".join(local.stderr.split())


def test_master_from_the_environment_waits_for_the_spark_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("SALON_SPARK_MASTER", "spark://head:7077")
    monkeypatch.delenv("SALON_ENGINE", raising=False)
    done = run_cli("stats", db=tmp_path / "s.db")
    assert done.returncode == 0, done.stderr
