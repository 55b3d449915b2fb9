"""Starting Spark: what to install, or what to fix, when it cannot start."""

from __future__ import annotations

import pytest


def test_no_java_says_what_to_install(monkeypatch):  # type: ignore[no-untyped-def]
    pytest.importorskip("pyspark")
    from salon.lake import spark_session

    monkeypatch.setattr(spark_session.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(spark_session.SparkUnavailable, match="openjdk-17-jre-headless"):
        spark_session.session("local[1]")


def test_a_java_home_without_java_says_so(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    pytest.importorskip("pyspark")
    from salon.lake import spark_session

    monkeypatch.setenv("JAVA_HOME", str(tmp_path))  # a folder, but no bin/java in it
    with pytest.raises(spark_session.SparkUnavailable) as error:
        spark_session.session("local[1]")
    said = str(error.value)
    assert said.startswith(f"JAVA_HOME is set to '{tmp_path}', which has no bin/java")
    assert said.endswith("or unset JAVA_HOME to use the java on the PATH.")
    monkeypatch.setattr("glob.glob", lambda pattern: [])
    with pytest.raises(spark_session.SparkUnavailable, match="sudo apt-get install openjdk-17"):
        spark_session.session("local[1]")
