"""The long fuzz campaign (``make fuzz``): every importer in turn, for a share of the time.

Each importer gets ``--minutes / 9`` minutes, run as pytest processes of
``--examples`` examples each under ``HYPOTHESIS_PROFILE=fuzz``, each with a fresh seed, until
its share is spent (the last one is stopped at the end of it). A run that fails is a finding:
its report is kept under ``.pytest_cache/salon-fuzz-findings`` and Hypothesis keeps the
failing example in its database, so the regular suite replays it. Prints executions and
findings per importer.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/fuzz/test_fuzz_importers.py::test_mutated_exports_import_or_fail_cleanly"
IMPORTERS = ("linkedin", "x", "mastodon", "bluesky", "contacts", "calendar", "mail", "posts")
IMPORTERS += ("edges",)
FINDINGS = ROOT / ".pytest_cache" / "salon-fuzz-findings"


def _run(importer: str, seed: int, examples: int, seconds: float) -> tuple[int, str | None]:
    """Executions of one pytest run, and its report when it found something."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tally:
        stats = Path(tally.name)
    env = {
        **os.environ,
        "HYPOTHESIS_PROFILE": "fuzz",
        "SALON_FUZZ_EXAMPLES": str(examples),
        "SALON_FUZZ_STATS": str(stats),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", f"{TEST}[{importer}]"]
    command += [f"--hypothesis-seed={seed}"]
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds
        )
        output, failed = done.stdout + done.stderr, done.returncode != 0
    except subprocess.TimeoutExpired as stopped:
        output, failed = str(stopped.stdout or "") + str(stopped.stderr or ""), False
    try:
        executions = json.loads(stats.read_text() or "{}").get(importer, 0)
    except (OSError, ValueError):
        executions = 0
    stats.unlink(missing_ok=True)
    if not executions and not failed:  # skipped, or stopped before its first example
        tail = " | ".join(output.strip().splitlines()[-3:])
        print(f"  {importer}: a run with no example ({tail[-300:]})", flush=True)
    return executions, output if failed else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--examples", type=int, default=1000, help="examples per pytest run")
    parser.add_argument("--only", nargs="*", default=list(IMPORTERS))
    args = parser.parse_args()
    share = args.minutes * 60 / len(args.only)
    FINDINGS.mkdir(parents=True, exist_ok=True)
    totals: dict[str, tuple[int, int]] = {}
    for importer in args.only:
        ends = time.monotonic() + share
        executions = findings = 0
        while (left := ends - time.monotonic()) > 5:
            seed = random.randrange(2**32)
            ran, report = _run(importer, seed, args.examples, left)
            executions += ran
            if report is not None:
                findings += 1
                kept = FINDINGS / f"{importer}-{seed}.txt"
                kept.write_text(report)
                print(f"  {importer}: finding with seed {seed}, report in {kept}", flush=True)
                for line in report.splitlines():
                    if line.startswith("E ") and "Error" in line:
                        print(f"    {line}", flush=True)
                        break
        totals[importer] = (executions, findings)
        print(f"{importer}: {executions} executions, {findings} findings", flush=True)
    executions = sum(e for e, _ in totals.values())
    findings = sum(f for _, f in totals.values())
    print(f"total: {executions} executions, {findings} findings in {args.minutes:g} minutes")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
