"""Validation of Salon's diffusion answers on real data, through the public API only, with
the figures of ../shared/data/BASELINES.md.

Every figure comes from ``salon.<name>`` on a store Salon imported (``salon.import_paths``):
the same functions, options and output as the command line (``salon forecast … --backtest N``
is ``salon.forecast(…, backtest_periods=N)``). Nothing is scored here beyond averaging what
those answers say.

1. Stack Exchange Quantum Computing (launch 2018-03-12 … 2018-09-01): tags as innovations,
   a user adopting a tag when first asking or answering a question with it (answers are
   imported with their question's tags), the tags with at least 20 adopters. Stage shares
   (``salon.adoption``, mean/sd, mean over tags); the last 61 days hidden
   (``salon.forecast(tag, period="day", horizon=61, backtest_periods=61)``; BASELINES: linear
   extrapolation MAPE 28.7 %, no growth 16.0 %); +6 and +12 weeks hidden.
2. Social network science (Web of Science, 1916–2012): a term's adoption is the first year an
   author uses it (each author of a publication imported as a post tagged with its terms);
   terms with at least 200 adopters; +6 and +12 years hidden. Salon's periods are days, weeks
   and months, so each year is imported as one week (year Y at 2000-01-03 + (Y − 1900)
   weeks) and the forecasts are made with period "week".
3. Higgs Twitter (1–7 July 2012): the retweets imported as edges; the retweeters' stages
   (``salon.adoption``) and the censoring of the window.

Usage: python bench/validate_diffusion.py
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import numpy as np
from _results import recorded

import salon

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
STAGES = ("innovator", "early adopter", "early majority", "late majority", "laggard")


def _shares(rows: list[dict[str, float]]) -> str:
    return " / ".join(f"{100 * np.mean([r[s] for r in rows]):.1f}" for s in STAGES)


def _backtests(
    store: salon.Store, names: list[str], *, period: str, hidden: int, segment: str | None = None
) -> str:
    """``salon.forecast(…, backtest_periods=hidden)`` for each innovation, summarised."""
    rows, skipped = [], []
    for name in names:
        try:
            outlook = salon.forecast(
                store, name, segment=segment, period=period, horizon=hidden, backtest_periods=hidden
            )
        except salon.SalonError as error:  # too short a history: counted, not hidden
            skipped.append(f"{name} ({str(error).split('.')[0]})")
            continue
        rows.append(outlook["backtest"])
    if not rows:
        return "no series long enough"
    mape = lambda key: 100 * np.mean([r[key] for r in rows if r[key] is not None])  # noqa: E731
    covered = 100 * np.mean([bool(r["covered"]) for r in rows])
    chosen = defaultdict(int)
    for r in rows:
        chosen[r["model"]] += 1
    picks = ", ".join(f"{m} {c}" for m, c in sorted(chosen.items(), key=lambda kv: -kv[1]))
    return (
        f"Salon (chosen model) MAPE {mape('error'):.1f} %, Bass alone {mape('bass_error'):.1f} %, "
        f"no growth {mape('no_growth_error'):.1f} %; 90 % interval holds the truth for "
        f"{covered:.0f} % of {len(rows)} series; chosen: {picks}"
        + (f"; {len(skipped)} left out: {'; '.join(skipped[:3])}" if skipped else "")
    )


def stackexchange(folder: Path) -> None:
    print("\n1. Stack Exchange Quantum Computing: tags as innovations")
    root = ET.parse(DATA / "stackexchange_quantumcomputing/Posts.xml").getroot()
    tags_of = {
        r.get("Id"): re.findall(r"<([^>]+)>", r.get("Tags", ""))
        for r in root
        if r.get("PostTypeId") == "1"
    }
    path = folder / "qc.jsonl"
    with path.open("w") as out:
        for r in root:
            if r.get("PostTypeId") not in ("1", "2") or not r.get("OwnerUserId"):
                continue
            question = r.get("Id") if r.get("PostTypeId") == "1" else r.get("ParentId")
            post = {
                "id": r.get("Id"),
                "author": r.get("OwnerUserId"),
                "time": r.get("CreationDate") + "Z",
                "tags": tags_of.get(question, []),
                "reply_to": r.get("ParentId"),
            }
            out.write(json.dumps(post) + "\n")
    store = salon.open_store(str(folder / "qc.db"))
    salon.import_paths(store, [path], options=salon.ImportOptions(namespace="qc"))
    found = salon.innovations(store, min_adopters=20, limit=1000)
    tags = sorted(i.name for i in found if i.name.startswith("tag:"))
    sample = [salon.adoption(store, t, period="week") for t in tags]
    print(f"   {len(tags)} tags with at least 20 adopters (asking or answering)")
    sd = [a for a in sample if a["method"] != "bass"]
    print(
        f"   stages, Salon (Bass-based while spreading, else mean/sd): "
        f"{_shares([a['shares'] for a in sample])} % ({len(sd)} of {len(tags)} by mean/sd)"
    )
    print(
        "   (BASELINES mean/sd of the sample: 0.6 / 13.7 / 41.4 / 26.1 / 18.3; "
        "theory 2.5 / 13.5 / 34 / 34 / 16)"
    )
    print(
        "   last 61 days hidden: "
        + _backtests(store, tags, period="day", hidden=61, segment="platform:qc")
    )
    print("   (BASELINES: linear extrapolation MAPE 28.7 %, no growth 16.0 %)")
    for hidden in (6, 12):
        print(
            f"   +{hidden} weeks: "
            + _backtests(store, tags, period="week", hidden=hidden, segment="platform:qc")
        )
    store.close()


def social_network_science(folder: Path) -> None:
    print("\n2. Social network science: first year an author uses a term (a year as a week)")
    sns = DATA / "social_network_science_sns"
    year = {}
    for line in (sns / "publications.txt").read_text().splitlines()[1:]:
        parts = line.split("\t")
        year[parts[0]] = int(parts[2])
    words = defaultdict(list)
    for line in (sns / "usages.txt").read_text().splitlines()[1:]:
        pub, word = line.split("\t")
        words[pub].append(f"w{word}")
    epoch = 946857600  # 2000-01-03
    path = folder / "sns.jsonl"
    with path.open("w") as out:
        for i, line in enumerate((sns / "authorships.txt").read_text().splitlines()[1:]):
            pub, author = line.split("\t")
            at = epoch + (year[pub] - 1900) * 7 * 86400
            out.write(
                json.dumps({"id": str(i), "author": author, "time": at, "tags": words[pub]}) + "\n"
            )
    store = salon.open_store(str(folder / "sns.db"))
    salon.import_paths(store, [path], options=salon.ImportOptions(namespace="sns"))
    found = salon.innovations(store, min_adopters=200, limit=100_000)
    terms = sorted(i.name for i in found if i.name.startswith("tag:"))
    print(f"   {len(terms)} terms with at least 200 adopters")
    for hidden in (6, 12):
        print(f"   +{hidden} years: " + _backtests(store, terms, period="week", hidden=hidden))
    store.close()


def higgs(folder: Path) -> None:
    print("\n3. Higgs Twitter: retweeters' stages")
    path = folder / "higgs.txt"
    with gzip.open(DATA / "higgs_twitter/higgs-activity_time.txt.gz", "rt") as f:
        path.write_text("".join(line for line in f if line.rstrip().endswith("RT")))
    store = salon.open_store(str(folder / "higgs.db"))
    salon.import_paths(store, [path], options=salon.ImportOptions(namespace="higgs"))
    found = salon.adoption(store, "channel:higgs", period="day")
    print(
        f"   {found['adopters']:,} people in the retweets; stages ({found['method']}): "
        + " / ".join(f"{100 * found['shares'][s]:.1f}" for s in STAGES)
        + " %"
    )
    censored = found["censoring"] or {}
    print(
        f"   censoring: left {censored.get('left')}, right {censored.get('right')} "
        "(retweets start minutes into the collection)"
    )
    store.close()


def main() -> None:
    start = time.perf_counter()
    with recorded(__file__), tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stackexchange(folder)
        social_network_science(folder)
        higgs(folder)
        print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
