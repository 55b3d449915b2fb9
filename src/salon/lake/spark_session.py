"""Starting the Spark engine: which engine is chosen (``salon --engine``, ``$SALON_ENGINE``),
and one Spark session per master for the process (``local[2]`` unless told: ``--master``,
``$SALON_SPARK_MASTER``), bound to this machine when local. When PySpark or a Java 17 runtime
is missing, :class:`SparkUnavailable` says what to install. What runs on the session:
:mod:`salon.lake.spark`.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from salon.errors import SalonError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


ENGINES = ("local", "spark")


_sessions: dict[str, SparkSession] = {}


def engine() -> str:
    """The engine chosen (``salon --engine``, else ``$SALON_ENGINE``): local or spark."""
    chosen = os.environ.get("SALON_ENGINE", "local").lower()
    if chosen not in ENGINES:
        raise SalonError(f"Unknown engine '{chosen}': use local or spark.")
    return chosen


class SparkUnavailable(SalonError):
    """Spark cannot start here; the message says what to install."""


def session(master: str | None = None) -> SparkSession:
    """A Spark session (one per master for the process): ``local[2]`` unless told.

    Raises :class:`SparkUnavailable` naming what to install when PySpark or Java is missing.
    """
    master = master or os.environ.get("SALON_SPARK_MASTER") or "local[2]"
    if master in _sessions:
        return _sessions[master]
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(
            "The Spark engine needs PySpark: pip install 'salon[spark]' (or make install)."
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    if java_home and not os.path.isfile(os.path.join(java_home, "bin", "java")):
        # Spark's launcher runs $JAVA_HOME/bin/java whenever JAVA_HOME is set, whatever the
        # PATH holds: it would fail with a bare "Java gateway process exited".
        raise SparkUnavailable(_bad_java_home(java_home))
    java = shutil.which("java") or (java_home and os.path.join(java_home, "bin", "java"))
    if not java or not os.path.exists(java):
        raise SparkUnavailable(
            "The Spark engine needs a Java 17 runtime and none was found: install "
            "openjdk-17-jre-headless (sudo apt-get install openjdk-17-jre-headless) or set "
            "JAVA_HOME, or run without --engine spark."
        )
    builder = (
        SparkSession.builder.master(master)
        .appName("salon")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("SALON_SPARK_PARTITIONS", "4"))
        .config("spark.sql.adaptive.enabled", "true")
    )
    if master.startswith("local"):  # nothing listens beyond this machine
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.driver.host", "127.0.0.1"
        )
        # Locally the driver is the executor too: Spark's 1 GiB default spills 10^7 edges.
        memory = os.environ.get("SALON_SPARK_DRIVER_MEMORY", "4g")
        builder = builder.config("spark.driver.memory", memory)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start (py4j raises several kinds)
        raise SparkUnavailable(
            f"Spark did not start ({str(exc).splitlines()[0][:200]}). Check that Java 17 "
            "(openjdk-17-jre-headless) is installed and JAVA_HOME points to it, and that "
            f"the master '{master}' is reachable."
        ) from None
    spark.sparkContext.setLogLevel("ERROR")
    _sessions[master] = spark
    return spark


def _bad_java_home(java_home: str) -> str:
    """What to do when JAVA_HOME names a folder without ``bin/java``."""
    import glob

    found = sorted(
        os.path.dirname(os.path.dirname(java))
        for java in glob.glob("/usr/lib/jvm/*17*/bin/java")
        if not os.path.islink(os.path.dirname(os.path.dirname(java)))
    )
    fix = (
        f"set JAVA_HOME={found[0]} (a Java 17 runtime here)"
        if found
        else "install Java 17 (sudo apt-get install openjdk-17-jre-headless) and set JAVA_HOME "
        "to its folder (/usr/lib/jvm/java-17-openjdk-amd64 on Debian/Ubuntu)"
    )
    return (
        f"JAVA_HOME is set to '{java_home}', which has no bin/java, and Spark runs the Java "
        f"of JAVA_HOME: {fix}, or unset JAVA_HOME to use the java on the PATH."
    )


def stop() -> None:
    """Stop every Spark session this process started."""
    for spark in _sessions.values():
        spark.stop()
    _sessions.clear()
