"""Collecting follows: `salon collect`'s job against a plain sequential `requests` loop.

A local server (its own process, on 127.0.0.1) answers ``app.bsky.graph.getFollows`` for N
generated accounts in the exact shape of the real AppView answer
(../shared/data/api_samples/bluesky/bskyr_vcr/g_follows.body.json: ``follows``, ``subject``,
profile fields), K follows each, one page an account, after a simulated network round trip
(``--latency``, default 100 ms: a real AppView is 50-150 ms away). Both peers ask the same N
URLs and store what they read:

- Salon: ``salon.collect.collect(store, "bluesky", …)`` — the real job (httpx, asyncio,
  ``--concurrency`` requests in flight, no pace), the HTTP cache, the store's writer (people,
  identities, ties with provenance), a commit and the cursors saved every wave, names linked
  and duplicates merged at the end;
- plain: ``requests.Session().get`` in a loop, one request after another, each page's people
  and ties inserted into a plain sqlite3 file (``INSERT OR IGNORE``, a commit every 100
  pages): the least a collector can do.

Each peer runs in its own process (peak RSS is its own ``ru_maxrss``). The answers must
agree: the same set of (follower, followed) pairs. Records: one person a page's subject and
each follow, and one tie each follow (``1 + 2K`` a page).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _results import recorded

ROOT = Path(__file__).resolve().parents[1]
AVATAR = "https://cdn.bsky.app/img/avatar/plain/{did}/bafkreibbgv73dk7lk4qrij5xm7vri3m6hfgfxqylxbal6yau7ssieqav3a@jpeg"


def did(i: int) -> str:
    return "did:plc:" + hashlib.sha256(str(i).encode()).hexdigest()[:24]


def profile(i: int, when: str) -> dict:
    """One account as getFollows lists it (the fields of the real answer)."""
    return {
        "did": did(i),
        "handle": f"user{i}.bsky.social",
        "displayName": f"User {i}",
        "avatar": AVATAR.format(did=did(i)),
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
        "createdAt": "2024-12-08T01:42:11.208Z",
        "description": f"Account {i} of the benchmark",
        "indexedAt": when,
    }


def page(i: int, n: int, k: int) -> bytes:
    rng = random.Random(i)
    follows = [profile(j, "2025-04-08T18:44:37.043Z") for j in rng.sample(range(n), k) if j != i]
    return json.dumps(
        {"follows": follows, "subject": profile(i, "2025-05-19T17:41:00.000Z")}
    ).encode()


def serve(n: int, k: int, latency: float) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # one send per answer, no delayed-ACK stalls
        wbufsize = 1 << 16

        def do_GET(self) -> None:
            actor = parse_qs(urlsplit(self.path).query)["actor"][0]
            body = page(int(actor.removeprefix("user").split(".")[0]), n, k)
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def actors(n: int) -> list[str]:
    return [f"user{i}.bsky.social" for i in range(n)]


def run_salon(url: str, n: int, folder: Path, concurrency: int, lake: bool = False) -> dict:
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    import salon
    from salon.collect import collect
    from salon.store.schema import identities, ties

    seeds = [{"kind": "follows", "actor": a, "level": 0, "grow": False} for a in actors(n)]
    with salon.open_store(str(folder / "salon.db")) as store:
        started = time.perf_counter()
        report = collect(
            store, "bluesky", seeds, base_url=url, rate=0, concurrency=concurrency, lake=lake
        )
        seconds = time.perf_counter() - started
        if lake:
            pairs = _lake_pairs(store, folder / "export")
        else:
            pairs = _store_pairs(store, identities, ties)
    assert report.status == "done" and report.requests == n, report
    return {
        "seconds": seconds,
        "records": report.records,
        "pairs": _digest(pairs),
        "ties": len(pairs),
    }


def _lake_pairs(store, folder: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """(follower, followed) DIDs of the lake's follow edges."""
    import pyarrow.parquet as pq

    from salon.lake import export_lake

    export_lake(store, folder)
    edges = pq.read_table(folder / "lake_edges.parquet", columns=["src", "dst", "kind"])
    return sorted(
        f"{s}>{d}"
        for s, d, k in zip(*(edges[c].to_pylist() for c in ("src", "dst", "kind")), strict=True)
        if k == "follow"
    )


def _store_pairs(store, identities, ties) -> list[str]:  # type: ignore[no-untyped-def]
    """(follower, followed) DIDs of the store's ties."""
    with store.engine.connect() as c:
        did_of = dict(
            c.execute(
                identities.select()
                .with_only_columns(identities.c.person_id, identities.c.value)
                .where(identities.c.kind == "id")
            ).all()
        )
        return sorted(
            f"{did_of[s]}>{did_of[d]}"
            for s, d in c.execute(ties.select().with_only_columns(ties.c.src_id, ties.c.dst_id))
        )


def run_plain(url: str, n: int, folder: Path) -> dict:
    import sqlite3

    import requests

    db = sqlite3.connect(folder / "plain.db")
    db.execute("CREATE TABLE people (did TEXT PRIMARY KEY, handle TEXT, name TEXT)")
    db.execute("CREATE TABLE ties (src TEXT, dst TEXT, PRIMARY KEY (src, dst))")
    session = requests.Session()
    session.headers["User-Agent"] = "plain-loop"
    records = 0
    started = time.perf_counter()
    for number, actor in enumerate(actors(n), start=1):
        answer = session.get(
            f"{url}/xrpc/app.bsky.graph.getFollows", params={"actor": actor, "limit": 100}
        )
        answer.raise_for_status()
        data = answer.json()
        subject = data["subject"]
        people = [subject, *data["follows"]]
        db.executemany(
            "INSERT OR IGNORE INTO people VALUES (?, ?, ?)",
            [(p["did"], p["handle"], p.get("displayName")) for p in people],
        )
        db.executemany(
            "INSERT OR IGNORE INTO ties VALUES (?, ?)",
            [(subject["did"], f["did"]) for f in data["follows"]],
        )
        records += len(people) + len(data["follows"])
        if number % 100 == 0:
            db.commit()
    db.commit()
    seconds = time.perf_counter() - started
    pairs = sorted(f"{s}>{d}" for s, d in db.execute("SELECT src, dst FROM ties"))
    return {"seconds": seconds, "records": records, "pairs": _digest(pairs), "ties": len(pairs)}


def _digest(pairs: list[str]) -> str:
    return hashlib.sha256("\n".join(pairs).encode()).hexdigest()[:16]


def peer(argv: list[str]) -> None:
    name, url, n, folder, concurrency = argv[0], argv[1], int(argv[2]), Path(argv[3]), int(argv[4])
    if name == "plain":
        result = run_plain(url, n, folder)
    else:
        result = run_salon(url, n, folder, concurrency, lake=name == "salon-lake")
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result), flush=True)


def measure(name: str, url: str, n: int, folder: Path, concurrency: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--peer", name, url, str(n), str(folder), str(concurrency)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--peer":
        peer(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3_000, help="accounts both peers ask")
    parser.add_argument(
        "--salon-alone", type=int, default=20_000, help="then Salon alone on this many (0: not)"
    )
    parser.add_argument("--follows", type=int, default=10, help="follows per account")
    parser.add_argument("--latency", type=float, default=0.100, help="seconds per answer")
    parser.add_argument("--concurrency", type=int, default=16, help="Salon's requests in flight")
    parser.add_argument(
        "--lake", action="store_true", help="also Salon with --lake (follows to the market lake)"
    )
    args = parser.parse_args()
    with recorded(__file__), tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                str(max(args.accounts, args.salon_alone)),
                str(args.follows),
                str(args.latency),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            url = server.stdout.readline().strip()
            print(
                f"{args.accounts:,} accounts' follows ({args.follows} each, one getFollows page an "
                f"account), {args.latency * 1000:.0f} ms a round trip, from a local server; "
                f"Salon with {args.concurrency} requests in flight"
            )
            results = {}
            for name in ("salon", "salon-lake", "plain") if args.lake else ("salon", "plain"):
                folder = Path(tmp) / name
                folder.mkdir()
                results[name] = measure(name, url, args.accounts, folder, args.concurrency)
            if args.salon_alone:
                folder = Path(tmp) / "alone"
                folder.mkdir()
                alone = measure("salon", url, args.salon_alone, folder, args.concurrency)
        finally:
            server.kill()
        s, p = results["salon"], results["plain"]
        assert s["pairs"] == p["pairs"] and s["ties"] == p["ties"], (s, p)
        print(f"answers agree: {s['ties']:,} follow ties, the same pairs (digest {s['pairs']})")
        if args.lake:
            k = results["salon-lake"]
            assert k["pairs"] == p["pairs"] and k["ties"] == p["ties"], (k, p)
            print("with --lake: the same pairs, as follow edges in the market lake")
        print(f"{'peer':<46} {'seconds':>9} {'records/s':>11} {'peak RSS MiB':>13}")
        rows = [("salon collect bluesky (httpx, asyncio, store)", s)]
        if args.lake:
            rows.append(("salon collect bluesky --lake (market lake)", results["salon-lake"]))
        rows.append(("plain requests loop + sqlite3", p))
        for label, r in rows:
            rate = r["records"] / r["seconds"]
            print(f"{label:<46} {r['seconds']:>9.1f} {rate:>11,.0f} {r['peak_rss_mib']:>13.0f}")
        if args.salon_alone:
            rate = alone["records"] / alone["seconds"]
            print(
                f"Salon alone, {args.salon_alone:,} accounts: {alone['seconds']:.1f} s, "
                f"{rate:,.0f} records/s, peak RSS {alone['peak_rss_mib']:.0f} MiB, "
                f"{alone['ties']:,} ties"
            )
        speed = (s["records"] / s["seconds"]) / (p["records"] / p["seconds"])
        print(
            f"ratio: Salon stores {speed:.2f}x the plain loop's records/s (target >= 5x); "
            f"peak RSS {s['peak_rss_mib']:.0f} MiB (target < 500 MiB)"
        )


if __name__ == "__main__":
    main()
