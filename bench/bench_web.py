"""The web app's JSON API under load, from a second process on loopback.

A store of N people (default 100,000) is generated as bench_meet.py generates it (a Google
Contacts CSV of N people in GeoNames cities, a calendar of your meetings with some of them)
plus the shipped Q&A community's posts, a segment and a goal; `salon serve`'s app runs in
its own process (uvicorn, one worker, 127.0.0.1 on a free port) and this process sends it
requests from C concurrent clients (asyncio, one kept-alive HTTP/1.1 connection each) for S
seconds per endpoint, bounded in count and time, and stops:

- the people list (``/api/v1/people?limit=50``, pages at random offsets),
- a person's page (``/api/v1/people/ID``, a different person each request),
- the plan (``/api/v1/plan/GOAL``).

It reports requests/s and p50/p95/p99 latency per endpoint (target p95 under 100 ms for the
first two), the first (cold) request of each, the same answers from the public function
called in-process (they must agree) and its time as the ratio, the CPU each request cost the
server and the load generator (they share the cores), and the plan page's weight (HTML, CSS
and scripts, raw and gzipped).

Usage: nice -n 10 python bench/bench_web.py [--people 100000] [--clients 50] [--seconds 30]
       [--store DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import ratio, recorded

import salon
from salon.importers.base import ImportOptions

TOKEN = "bench-" + "t" * 40
GOAL = "known-by-askers"
SEGMENT = ("qec-askers", "tag:quantum-error-correction & platform:quantumcomputing")

#: The attention map's market: a preferential-attachment graph (igraph's Barabási–Albert),
#: imported as an edge list, every node a member of the segment 'market'.
MAP_NAMESPACE = "market"
MAP_PEOPLE = 20_000

SERVER = """
import sys, uvicorn, salon
from salon.web.app import create_app
app = create_app(salon.open_store(sys.argv[1]), token=sys.argv[2], port=int(sys.argv[3]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning", access_log=False)
"""


def build(folder: Path, people: int) -> Path:
    from bench_meet import generate

    db = folder / "salon.db"
    contacts, calendar = generate(folder, people)
    with salon.open_store(str(db)) as store:
        started = time.perf_counter()
        salon.import_paths(store, [calendar])
        salon.import_paths(store, [contacts])
        for path, namespace, _ in salon.demo.sample_paths():
            if namespace == "quantumcomputing":
                salon.import_paths(store, [path], options=ImportOptions(namespace=namespace))
        salon.import_paths(
            store, [market_graph(folder)], options=ImportOptions(namespace=MAP_NAMESPACE)
        )
        salon.add_segment(store, *SEGMENT)
        salon.add_segment(store, "market", f"platform:{MAP_NAMESPACE}")
        salon.add_goal(
            store, GOAL, objective="reach", segment=SEGMENT[0], topic="quantum error correction"
        )
        count = salon.stats(store).tables["people"]
        print(f"store: {count:,} people, built in {time.perf_counter() - started:.1f} s")
    return db


def market_graph(folder: Path) -> Path:
    """An edge list of MAP_PEOPLE people, each attending to 3 earlier ones (with times)."""
    import igraph as ig

    graph = ig.Graph.Barabasi(MAP_PEOPLE, 3, directed=True, outpref=True)
    path = folder / "market.txt"
    with path.open("w") as out:
        for i, (a, b) in enumerate(graph.get_edgelist()):
            out.write(f"{a} {b} 1 {1_600_000_000 + 60 * i} mention\n")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: Why requests failed: the status code or the exception, with a count.
FAILURES: dict[str, int] = {}


async def load(
    base: str, make_path, clients: int, seconds: float, cap: int = 200_000
) -> tuple[list[float], int, int]:
    """``clients`` concurrent clients asking ``make_path()`` until ``seconds`` pass (or
    ``cap`` requests): the latencies (s), the requests that failed, the requests sent.

    Each client keeps one HTTP/1.1 connection and reads each answer whole (a minimal client
    on asyncio streams): httpx spent about 2 ms of CPU a request, so with 50 clients the
    load generator took a whole core and its own queue was most of the latency measured."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    failed = 0
    sent = 0
    stop = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal failed, sent
        connection = None
        while time.perf_counter() < stop and sent < cap:
            sent += 1
            t = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, int(port))
                status, body = await fetch(*connection, f"{host}:{port}", make_path())
                ok = status == 200
                why = f"{status}: {body[:160].decode(errors='replace')}"
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                ok, why = False, f"{type(exc).__name__}: {exc}"
                if connection is not None:
                    connection[1].close()
                connection = None
            if not ok:
                FAILURES[why] = FAILURES.get(why, 0) + 1
            latencies.append(time.perf_counter() - t)
            failed += not ok
        if connection is not None:
            connection[1].close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, failed, sent


async def fetch(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str
) -> tuple[int, bytes]:
    """GET ``path`` on a kept-alive connection: the status and the body."""
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Accept: */*\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip()
    if b"content-length" in fields:
        return status, await reader.readexactly(int(fields[b"content-length"]))
    if fields.get(b"transfer-encoding", b"").lower() != b"chunked":
        raise ValueError(f"an answer without its length: {head[:200]!r}")
    body = bytearray()
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        body += await reader.readexactly(size)
        await reader.readexactly(2)
    await reader.readuntil(b"\r\n")  # the empty trailer
    return status, bytes(body)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantiles(values: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--store", type=Path, help="Keep the generated store in this folder (reused if there)."
    )
    args = parser.parse_args()
    import httpx

    with recorded(__file__), tempfile.TemporaryDirectory() as tmp:
        folder = args.store or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["SALON_CACHE"] = str(folder / "cache")
        db = folder / "salon.db"
        if not db.exists():
            db = build(folder, args.people)
        else:
            print(f"store: {folder} (built before)")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(db), TOKEN, str(port)],
            env={**os.environ, "SALON_CACHE": str(folder / "cache")},
        )
        try:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            for _ in range(600):
                try:
                    httpx.get(base + "/api/v1/goals", headers=headers, timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            run(base, db, args, headers, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(
    base: str, db: Path, args: argparse.Namespace, headers: dict[str, str], server: int
) -> None:
    import httpx

    with salon.open_store(str(db)) as store:
        total = salon.stats(store).tables["people"]
        ids = [p.id for p in salon.people(store, limit=10**9)]
    rng = random.Random(0)
    endpoints = {
        "people list": lambda: f"/api/v1/people?limit=50&offset={rng.randrange(0, total - 50)}",
        "person page": lambda: f"/api/v1/people/{rng.choice(ids)}",
        "plan": lambda: f"/api/v1/plan/{GOAL}",
    }
    print(
        f"{total:,} people; {args.clients} concurrent clients for {args.seconds:.0f} s per "
        "endpoint, then 1; one uvicorn worker; the server and the clients share the cores"
    )
    # The first request of each: what a user waits for once, before the answer is kept
    # (the store's answers are kept until an import, merge or segment changes it).
    print("\nfirst request (cold):")
    for name, path in (
        ("people list", "/api/v1/people?limit=50"),
        ("person page", f"/api/v1/people/{ids[len(ids) // 2]}"),
        ("plan", f"/api/v1/plan/{GOAL}"),
    ):
        t = time.perf_counter()
        response = httpx.get(base + path, headers=headers, timeout=600)
        response.raise_for_status()
        print(f"  {name:<12} {time.perf_counter() - t:8.2f} s")
    print(
        f"\n{'endpoint':<12} {'requests':>9} {'failed':>7} {'req/s':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p99 ms':>8}"
    )
    p50s = {}
    work: list[tuple[str, int, tuple[float, float], int]] = []
    for clients, seconds in ((args.clients, args.seconds), (1, min(args.seconds, 10.0))):
        print(f"{clients} client{'s' if clients > 1 else ''}, {seconds:.0f} s each:")
        for name, make in endpoints.items():
            started = time.perf_counter()
            cpu = cpu_seconds(os.getpid()), cpu_seconds(server)
            latencies, failed, sent = asyncio.run(load(base, make, clients, seconds))
            elapsed = time.perf_counter() - started
            used = cpu_seconds(os.getpid()) - cpu[0], cpu_seconds(server) - cpu[1]
            work.append((name, clients, used, sent))
            p50, p95, p99 = quantiles(latencies)
            p50s.setdefault(name, p50)
            target = " (target p95 < 100 ms: " + ("met" if p95 < 100 else "MISSED") + ")"
            print(
                f"{name:<12} {sent:>9,} {failed:>7,} {sent / elapsed:>8.1f} {p50:>8.1f} "
                f"{p95:>8.1f} {p99:>8.1f}{target if name != 'plan' else ''}"
            )
    print("CPU a request (ms), the server's and the load generator's:")
    for name, clients, (client_s, server_s), sent in work:
        print(
            f"  {name:<12} {clients:>2} client{'s' if clients > 1 else ' '}: server "
            f"{server_s / sent * 1000:5.2f}, clients {client_s / sent * 1000:5.2f}"
        )
    for why, count in FAILURES.items():
        print(f"failed {count}×: {why}")
    print(
        "(a closed loop: with C clients each waiting for its answer, latency ≈ C / throughput; "
        "one client's latency is the service time)"
    )
    load1, load5, _ = os.getloadavg()
    print(f"machine load average during the run: {load1:.1f} (1 min), {load5:.1f} (5 min)")
    agree(base, db, headers, ids, p50s)
    weight(base, headers)
    attention_map(base)


def agree(
    base: str, db: Path, headers: dict[str, str], ids: list[int], p50s: dict[str, float]
) -> None:
    """The API's answers are the public functions' (called in-process, as the CLI does)."""
    import httpx

    pid = ids[len(ids) // 3]
    with salon.open_store(str(db)) as store:
        t = time.perf_counter()
        direct = salon.person(store, pid).to_dict()
        person_s = time.perf_counter() - t
        plan = salon.plan(store, GOAL, include_private=True).to_dict()
    # As JSON carries them (tuples as lists, keys as strings).
    direct, plan = (json.loads(json.dumps(x, default=str)) for x in (direct, plan))
    api = httpx.get(f"{base}/api/v1/people/{pid}", headers=headers, timeout=60).json()
    same_person = {k: v for k, v in api.items() if k in direct} == direct
    api_plan = httpx.get(f"{base}/api/v1/plan/{GOAL}", headers=headers, timeout=600).json()
    keys = ("agenda_setters", "channels", "budget", "meetings")
    same_plan = all(api_plan[k] == plan[k] for k in keys)
    if not same_plan:
        for k in keys:
            if api_plan[k] != plan[k]:
                print(f"plan section '{k}' differs:\n  API: {api_plan[k]}\n  in-process: {plan[k]}")
    print(
        f"\nanswers agree with the public functions: person {same_person}, plan {same_plan}"
        f"\nsalon.person in-process {person_s * 1000:.1f} ms; the API's p50 under load "
        f"{p50s['person page']:.1f} ms (ratio in-process / API p50 "
        f"{ratio(person_s * 1000, p50s['person page'])})"
    )
    if not (same_person and same_plan):
        raise SystemExit("the API's answers differ from the public functions'")


def weight(base: str, headers: dict[str, str]) -> None:
    """The plan page's weight: its HTML and every file it loads."""
    import re

    import httpx

    with httpx.Client(base_url=base, headers=headers, timeout=600) as c:
        html = c.get(f"/plan/{GOAL}").content
        assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)
        sizes = {"HTML": html}
        for asset in dict.fromkeys(assets):
            sizes[asset.decode()] = c.get(asset.decode()).content
    raw = sum(len(b) for b in sizes.values())
    packed = sum(len(gzip.compress(b)) for b in sizes.values())
    parts = ", ".join(f"{k} {len(v) / 1024:.1f} KiB" for k, v in sizes.items())
    print(
        f"\nplan page weight: {raw / 1024:.1f} KiB ({packed / 1024:.1f} KiB gzipped), "
        f"{len(sizes)} requests, none external: {parts}"
    )
    print(json.dumps({"plan_page_bytes": raw, "gzipped": packed}))


#: Frames a second while the camera zooms and turns for 2 s (as a user's wheel and drag).
ANIMATE = """
const done = arguments[arguments.length - 1];
const camera = window.salonGraph.renderer.getCamera();
let frames = 0;
const start = performance.now();
function tick(now) {
  frames++;
  if (now - start < 2000) requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
const state = camera.getState();
const target = {ratio: state.ratio > 0.7 ? 0.4 : 1, angle: state.angle + 1.5};
camera.animate(target, {duration: 2000}).then(
  () => done(frames / ((performance.now() - start) / 1000)));
"""


def attention_map(base: str) -> None:
    """The attention map of a 20,000-member segment (drawn: 5,000 people) in headless
    Chromium: the server's layout, the page until drawn, and frames a second while the camera
    moves (software WebGL, as on a machine without a GPU)."""
    import shutil

    import httpx

    headers = {"Authorization": f"Bearer {TOKEN}"}
    t = time.perf_counter()
    data = httpx.get(f"{base}/api/v1/segments/market/map", headers=headers, timeout=600)
    layout_s = time.perf_counter() - t
    found = data.json()
    print(
        f"\nattention map of 'market' ({found['members_in_graph']:,} members in the graph): "
        f"{len(found['nodes']):,} people and {len(found['edges']):,} edges drawn; server "
        f"(snapshot, agenda-setters, igraph layout) {layout_s:.1f} s cold, "
        f"{len(data.content) / 1024:.0f} KiB of JSON"
    )
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        print("(no Chromium here: the browser's part is not measured)")
        return
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(driver))
    try:
        browser.get(f"{base}/?token={TOKEN}")
        for segment in ("market", SEGMENT[0]):
            t = time.perf_counter()
            browser.get(f"{base}/segments/{segment}/map")
            WebDriverWait(browser, 300).until(
                lambda b: b.execute_script(
                    "const g = document.getElementById('graph'); return g && g.dataset.ready"
                )
            )
            drawn_s = time.perf_counter() - t
            time.sleep(3)  # the first frames process the graph (positions, label grid)
            render_ms = browser.execute_script(
                "const r = window.salonGraph.renderer; const t = performance.now();"
                "for (let i = 0; i < 5; i++) r.refresh(); return (performance.now() - t) / 5;"
            )
            browser.execute_async_script(ANIMATE)  # the first animation warms up (shaders)
            fps = browser.execute_async_script(ANIMATE)
            order = browser.execute_script("return window.salonGraph.graph.order")
            size = browser.execute_script("return window.salonGraph.graph.size")
            print(
                f"browser, '{segment}': {order:,} people and {size:,} edges drawn {drawn_s:.1f} s "
                f"after the page was asked for; a full render {render_ms:.0f} ms; {fps:.1f} "
                "frames a second while the camera zooms and turns"
            )
        print(
            "(software WebGL: SwiftShader on the shared cores, no GPU; a frame costs about a "
            "full render, and Chromium gets what the loaded cores leave it)"
        )
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
