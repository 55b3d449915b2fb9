"""Validate proximity and the meeting planner on real data, through the public API.

1. SocioPatterns workplaces (InVS13, InVS15; CC0): contact time against department. Each set
   is imported with ``salon.import_paths`` (``t i j`` rows → one ``contact`` tie a pair, its
   weight the seconds of contact) and read back with ``salon.export``. Over every pair of
   people with a department: mean contact seconds for the same department and for different
   ones, the share of pairs ever in contact, and the ROC AUC of contact seconds for "same
   department" (pairs never in contact count as 0 s).
2. The Allen-style fit on co-presence: no coordinates exist, so the department is the
   distance proxy (0 = same department, 1 = another); ``fit_distance_decay`` is fitted to
   "ever in contact" over the two classes, and the exponential's scale λ is reported in
   department steps (not km: the distance here is the department).
3. "At the conference" (SFHH, Nice 2009): for 20 participants taken as "you", the planner's
   ranking (:func:`salon.offline.planner.rank`; everybody is in Nice, so proximity is 1)
   values the others by influence (their contact seconds with everyone: a stand-in for
   attention received) and by the attention gap (contacts in common with "you": people you
   were around but never met). Reported: the share of the top 5 suggestions who never faced
   "you", and their contacts in common, against the 5 people "you" spent most time with.
4. The pseudonymised Google calendar: imported, then ``salon.meet(calendar=...)``: the home
   found, trips and conferences, and the funnel stages (``salon.funnel`` when it exists).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import recorded

import salon
from salon.offline.places import geocode
from salon.offline.planner import Candidate, rank
from salon.offline.proximity import default_decay, fit_distance_decay

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOCIO = DATA / "sociopatterns"


def contact_seconds(path: Path, namespace: str) -> dict[tuple[str, str], float]:
    """Seconds of contact per pair of badge ids, as the store holds them."""
    store = salon.open_store(":memory:")
    salon.import_paths(store, [path], options=salon.ImportOptions(namespace=namespace))
    with tempfile.TemporaryDirectory() as tmp:
        salon.export(store, tmp)
        badge = {}
        with open(Path(tmp) / "identities.jsonl") as lines:
            for line in lines:
                row = json.loads(line)
                badge[row["person_id"]] = row["value"]
        out = {}
        with open(Path(tmp) / "ties.jsonl") as lines:
            for line in lines:
                row = json.loads(line)
                a, b = sorted((badge[row["src_id"]], badge[row["dst_id"]]))
                out[(a, b)] = out.get((a, b), 0.0) + float(row["weight"])
    store.close()
    return out


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC by the Mann–Whitney U statistic (ties count half)."""
    from scipy.stats import rankdata

    ranks = rankdata(scores)
    n1 = int(positive.sum())
    n0 = len(scores) - n1
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def workplace(name: str, tij: Path, metadata: Path) -> None:
    started = time.perf_counter()
    seconds = contact_seconds(tij, name)
    dept = dict(line.split() for line in metadata.read_text().splitlines() if line.strip())
    people = sorted(dept)
    pairs = [(a, b) for i, a in enumerate(people) for b in people[i + 1 :]]
    same = np.array([dept[a] == dept[b] for a, b in pairs])
    secs = np.array([seconds.get(tuple(sorted((a, b))), 0.0) for a, b in pairs])
    met = secs > 0
    print(f"\n## {name}: {len(people)} people in {len(set(dept.values()))} departments")
    print(f"pairs: {len(pairs):,} ({same.sum():,} same department); in contact: {met.sum():,}")
    print(f"contact hours in the store: {sum(seconds.values()) / 3600:,.1f}")
    for label, mask in (("same department", same), ("different", ~same)):
        print(
            f"  {label:16} mean contact {secs[mask].mean():8.1f} s a pair; "
            f"in contact {met[mask].mean():.3f}; mean over pairs in contact "
            f"{secs[mask & met].mean():,.0f} s"
        )
    print(f"ROC AUC of contact seconds for 'same department': {auc(secs, same):.3f}")
    print(f"  (pairs in contact only: {auc(secs[met], same[met]):.3f})")
    fit = fit_distance_decay(
        (~same).astype(float), met, edges=(0.0, 0.5, 1.5), min_bins=2, unit="dept"
    )
    ratio = met[same].mean() / max(met[~same].mean(), 1e-12)
    print(
        "Allen-style fit, department as distance (0 same, 1 other): "
        f"{fit.describe(unit='department steps')}; contact rate same/different = {ratio:.2f}"
    )
    if fit.form == "exponential":
        print(f"  λ = {fit.scale_km:.3g} department steps (the fit's scale is not in km here)")
    for b in fit.bins:
        print(
            f"  bin ≤{b['to_dept']:.1f}: {b['pairs']:,} pairs, {b['met']:,} met, "
            f"rate {b['rate']:.4f}"
        )
    print(f"({time.perf_counter() - started:.1f} s)")


def conference(tij: Path, *, you_count: int = 20, seed: int = 7) -> None:
    started = time.perf_counter()
    seconds = contact_seconds(tij, "sfhh")
    around: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), s in seconds.items():
        around[a][b] = s
        around[b][a] = s
    people = sorted(around)
    total = {p: sum(around[p].values()) for p in people}
    nice = geocode("Nice, France")
    rng = np.random.default_rng(seed)
    yous = rng.choice(people, size=you_count, replace=False)
    never, common_top, common_best, secs_top, secs_best = [], [], [], [], []
    for you in yous:
        mine = around[you]
        candidates = []
        for p in people:
            if p == you:
                continue
            common = len(set(around[p]) & set(mine))
            met = p in mine
            candidates.append(
                Candidate(
                    int(p),
                    p,
                    nice,
                    total[p],
                    float(common),
                    "met" if met else "online",
                    mine.get(p, 0.0),
                    1 if met else 0,
                    0.0 if met else None,
                    {"contact": 1} if met else {},
                )
            )
        rows, _ = rank(candidates, nice, default_decay(), half_life_days=90, top=5)
        never.append(np.mean([str(r["name"]) not in mine for r in rows]))
        common_top.append(np.mean([len(set(around[str(r["name"])]) & set(mine)) for r in rows]))
        secs_top.append(np.mean([mine.get(str(r["name"]), 0.0) for r in rows]))
        best = sorted(mine, key=lambda p: -mine[p])[:5]
        common_best.append(np.mean([len(set(around[p]) & set(mine)) for p in best]))
        secs_best.append(np.mean([mine[p] for p in best]))
    print(f"\n## SFHH conference: {len(people)} people, {len(seconds):,} pairs in contact")
    print(f"planner run 'at the conference' for {you_count} participants as you (seed {seed}):")
    print(f"  top-5 suggestions who never faced you: {np.mean(never):.2f}")
    print(
        f"  their contact with you: {np.mean(secs_top):,.0f} s; "
        f"contacts in common: {np.mean(common_top):.1f}"
    )
    print(
        f"  the 5 you spent most time with: {np.mean(secs_best):,.0f} s; "
        f"contacts in common: {np.mean(common_best):.1f}"
    )
    print(f"({time.perf_counter() - started:.1f} s)")


def calendar(path: Path) -> None:
    started = time.perf_counter()
    store = salon.open_store(":memory:")
    salon.import_paths(store, [path])
    imported = time.perf_counter() - started
    plan = salon.meet(store, calendar=path, since=0, top=5).to_dict()
    print(
        f"\n## {path.name}: imported in {imported:.1f} s, "
        f"planned in {time.perf_counter() - started - imported:.1f} s"
    )
    home = plan["home"]
    print(f"home: {home['label'] if home else 'unknown'} ({home['from'] if home else ''})")
    trips = plan["trips"]
    conferences = [t for t in trips if t["conference"]]
    print(f"trips and conferences found: {len(trips)} ({len(conferences)} multi-day)")
    cities = defaultdict(int)
    for t in trips:
        cities[t["city"]] += 1
    print(
        "  most visited: "
        + ", ".join(f"{c} {n}" for c, n in sorted(cities.items(), key=lambda x: -x[1])[:8])
    )
    years = defaultdict(int)
    for t in trips:
        years[t["from"][:4]] += 1
    print("  per year: " + ", ".join(f"{y} {n}" for y, n in sorted(years.items())))
    for one in plan["plans"]:
        print(
            f"  plan {one['trip']['city']} {one['trip']['from']}: "
            f"{len(one['suggestions'])} suggestions, {len(one['unplaced'])} unplaced"
        )
    print(f"proximity: {plan['proximity']['curve']}")
    print(f"people with a known place: {plan['located']}; without: {plan['unlocated']}")
    if hasattr(salon, "funnel"):
        stages = salon.funnel(store).to_dict()
        print("funnel (salon.funnel): " + json.dumps(stages, ensure_ascii=False)[:600])
    else:
        print("funnel: salon.funnel is not in this build (the other helper's work)")
    store.close()


def main() -> None:
    with recorded("validate_proximity"):
        workplace(
            "InVS13", SOCIO / "workplace_InVS_tij.dat.zip", SOCIO / "workplace_InVS_metadata.txt"
        )
        workplace(
            "InVS15", SOCIO / "workplace_InVS15_tij.dat.gz", SOCIO / "workplace_InVS15_metadata.txt"
        )
        conference(SOCIO / "SFHH_tij.dat.gz")
        calendar(DATA / "exports" / "google_calendar_pseudonymised.ics")


if __name__ == "__main__":
    main()
