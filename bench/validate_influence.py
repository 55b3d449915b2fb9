"""Validation of "who matters" on real data, through the product: every Salon figure comes
from data imported with ``salon.import_paths`` and a question of the public API
(``salon.influencers``, ``salon.communities``, ``salon.experts``), the functions the CLI
calls. Peers (networkx, scikit-learn) build their own graphs from the raw files.

1. PageRank and personalised PageRank (``salon influencers --segment all --members``, and a
   segment file of 50 people) against networkx (max |difference|), on the Higgs retweet
   network and email-Eu-core imported as edge lists.
2. Communities (``salon communities --members``) against ground truth: email-Eu-core's 42
   departments (NMI, ARI) and the user-made circles of the 10 Facebook ego networks
   (best-match F1), against networkx's Louvain on equal terms, seeds 0–4: the same weighted
   undirected graph (w(u, v) = A[u, v] + A[v, u], as Salon's Leiden uses), the same nodes
   and the same number of runs per seed (10 below 100,000 nodes), best weighted modularity.
3. Enron (Perry & Wolfe), Senior vs Junior, ROC AUC: the messages written as an mbox (one
   message per row of messages.tsv, its rows of recipients.tsv as To, the subject, the date
   and a Message-ID; the table keeps no To/Cc split and no In-Reply-To) and imported by
   Salon's mail importer; substance and each of its inputs from ``salon experts --segment
   all`` (every employee a row, ``everyone=True``), PageRank from ``salon influencers``;
   in-degree and HITS authority by networkx from the raw files, in the same run. Nothing is
   fitted on the labels; the halves (even and odd employee ids) show how stable each AUC is.
4. Stack Exchange (Quantum Computing), a temporal hold-out: the site's posts, answers and
   comments before the midpoint of its history are imported (posts JSON Lines: an answer
   replies to its question, a comment to its post); ``salon experts --segment all`` names
   the heads-down experts from that half alone, against the most visible people of that half
   (top by posts + comments). Ground truth comes from the raw dump of the SECOND half, not
   from Salon: answers, accepted answers and score per answer of each group.

Usage: python bench/validate_influence.py
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import UTC, datetime
from email.header import Header
from email.utils import formataddr, formatdate
from pathlib import Path

import networkx as nx
import numpy as np
from _results import recorded
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, roc_auc_score

import salon

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEEDS = range(5)
RUNS = 10  # Salon's Leiden runs per seed below 100,000 nodes (README, "Communities")
WORK = Path(tempfile.mkdtemp(prefix="salon-validate-"))
os.environ.setdefault("SALON_CACHE", str(WORK / "cache"))


def imported(name: str, paths: list[Path], **options: object) -> salon.Store:
    """A new store holding ``paths``, imported as ``salon import`` does."""
    store = salon.open_store(str(WORK / f"{name}.db"))
    salon.import_paths(store, paths, options=salon.ImportOptions(**options))  # type: ignore[arg-type]
    return store


def node(row: dict, namespace: str) -> int:
    """The edge list's own id of a person in a result (named ``namespace:id``)."""
    return int(str(row["name"]).removeprefix(f"{namespace}:"))


def raw_edges(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as f:
        edges = np.loadtxt(f, dtype=np.int64, ndmin=2)
    return edges[edges[:, 0] != edges[:, 1]]  # Salon keeps no self-loop


def pagerank_agreement() -> None:
    print("\n1. PageRank and PPR (salon influencers) against networkx 3 (max |difference|)")
    sets = {
        "higgs retweets (weighted)": DATA / "higgs_twitter/higgs-retweet_network.edgelist.gz",
        "email-Eu-core": DATA / "email_eu_core/email-Eu-core.txt",
    }
    for name, path in sets.items():
        namespace = name.split()[0].replace("-", "")
        store = imported(namespace, [path], namespace=namespace)
        edges = raw_edges(path)
        G = nx.DiGraph()
        weights = edges[:, 2].astype(float) if edges.shape[1] > 2 else np.ones(len(edges))
        G.add_weighted_edges_from(
            zip(edges[:, 0].tolist(), edges[:, 1].tolist(), weights.tolist(), strict=True)
        )
        nodes = sorted(G)
        # Compared over the top 20,000 by PPR: a result names its rows, and SQLite binds at
        # most 250,000 ids in one query.
        top = min(len(nodes), 20_000)
        seeds = nodes[:: max(len(nodes) // 50, 1)][:50]
        segment = WORK / f"{namespace}-seeds.txt"
        segment.write_text("\n".join(map(str, seeds)))
        for label, rule, restart in (
            ("PageRank", "all", None),
            ("PPR (50 seeds)", str(segment), {s: 1 for s in seeds}),
        ):
            start = time.perf_counter()
            found = salon.influencers(store, rule, top=top, include_members=True)
            seconds = time.perf_counter() - start
            ref = nx.pagerank(
                G, alpha=0.85, weight="weight", tol=1e-14, max_iter=5000, personalization=restart
            )
            rows = found.influencers
            diff = max(abs(r["ppr"] - ref[node(r, namespace)]) for r in rows)
            print(
                f"   {name:28} {label:15} n={found.nodes:>7,} edges={found.edges:>7,}  "
                f"top {len(rows):,}: max diff {diff:.1e}  ({seconds:.1f} s)"
            )


def weighted_undirected(edges: np.ndarray, nodes: list[int]) -> nx.Graph:
    """The graph Salon's Leiden sees: w(u, v) = A[u, v] + A[v, u] (each distinct arc once)."""
    G = nx.Graph()
    G.add_nodes_from(nodes)
    for a, b in {(int(a), int(b)) for a, b in edges[:, :2]}:
        w = G[a][b]["weight"] + 1 if G.has_edge(a, b) else 1
        G.add_edge(a, b, weight=w)
    return G


def _louvain(G: nx.Graph, seed: int) -> list[set[int]]:
    """Louvain as Salon runs Leiden: best weighted modularity of RUNS seeded runs."""
    best = None
    for run in range(RUNS):
        found = nx.community.louvain_communities(G, weight="weight", seed=seed * RUNS + run)
        quality = nx.community.modularity(G, found, weight="weight")
        if best is None or quality > best[0]:
            best = (quality, found)
    return best[1]


def _partitions(store: salon.Store, namespace: str, edges: np.ndarray):  # type: ignore[no-untyped-def]
    """Per method, the communities (sets of edge-list ids) and modularity, seeds 0–4."""
    out: dict[str, list[tuple[list[set[int]], float]]] = {
        "salon leiden": [],
        "networkx louvain": [],
    }
    G = None
    for s in SEEDS:
        found = salon.communities(store, seed=s, members=True)
        groups = [{node(m, namespace) for m in c["members"]} for c in found.shown]
        out["salon leiden"].append((groups, found.modularity))
        if G is None:
            G = weighted_undirected(edges, sorted(set().union(*groups)))
        louvain = _louvain(G, s)
        out["networkx louvain"].append((louvain, nx.community.modularity(G, louvain)))
    return out


def _labels(groups: list[set[int]], nodes: list[int]) -> np.ndarray:
    of = {p: i for i, group in enumerate(groups) for p in group}
    return np.array([of[p] for p in nodes])


def email_departments() -> None:
    print(
        "\n2a. email-Eu-core: 42 departments (salon communities; w = A + Aᵀ; "
        f"{RUNS} runs per seed for both, best modularity kept)"
    )
    path = DATA / "email_eu_core/email-Eu-core.txt"
    store = imported("eucore-communities", [path], namespace="eu")
    edges = raw_edges(path)
    truth = dict(
        np.loadtxt(DATA / "email_eu_core/email-Eu-core-department-labels.txt", dtype=np.int64)
    )
    for name, found in _partitions(store, "eu", edges).items():
        nodes = sorted(set().union(*found[0][0]))
        labels = [truth[p] for p in nodes]
        nmi = [normalized_mutual_info_score(labels, _labels(g, nodes)) for g, _ in found]
        ari = [adjusted_rand_score(labels, _labels(g, nodes)) for g, _ in found]
        modularity = np.mean([q for _, q in found])
        print(
            f"   {name:18} NMI {np.mean(nmi):.3f} ± {np.std(nmi):.3f}   ARI {np.mean(ari):.3f}"
            f"   modularity {modularity:.4f}   ({len(nodes):,} people with an e-mail)"
        )
    print(
        "   (BASELINES, Louvain on the unweighted simple graph of all 1,005, 1 run per seed: "
        "NMI 0.590)"
    )


def _best_f1(groups_a: list[set[int]], groups_b: list[set[int]]) -> float:
    def f1(a: set[int], b: set[int]) -> float:
        inter = len(a & b)
        return 0.0 if inter == 0 else 2 * inter / (len(a) + len(b))

    return float(np.mean([max(f1(a, b) for b in groups_b) for a in groups_a]))


def facebook_circles() -> None:
    print(
        "\n2b. Facebook ego networks: user-made circles (best-match F1, mean of 10 egos; "
        "salon communities against Louvain on the same weighted graph and runs)"
    )
    f1: dict[str, list[float]] = defaultdict(list)
    for circles_file in sorted((DATA / "snap_ego_facebook").glob("*.circles")):
        ego = circles_file.stem
        path = DATA / "snap_ego_facebook" / f"{ego}.edges"
        store = imported(f"facebook-{ego}", [path], namespace=f"fb{ego}")
        edges = raw_edges(path)
        circles = [
            set(map(int, line.split()[1:]))
            for line in circles_file.read_text().splitlines()
            if len(line.split()) > 1
        ]
        for name, found in _partitions(store, f"fb{ego}", edges).items():
            nodes = set().union(*found[0][0])
            held = [c & nodes for c in circles if c & nodes]
            scores = [0.5 * (_best_f1(held, g) + _best_f1(g, held)) for g, _ in found]
            f1[name].append(float(np.mean(scores)))
    print(f"   salon leiden      F1 {np.mean(f1['salon leiden']):.3f}")
    print(
        f"   networkx louvain  F1 {np.mean(f1['networkx louvain']):.3f}   (BASELINES, unweighted, "
        "1 run per seed: 0.379, chance 0.182)"
    )


def _enron() -> tuple[dict[int, bool], dict[int, str], list[tuple[str, int, str, int]], dict]:  # type: ignore[type-arg]
    employees, names = {}, {}
    for line in (DATA / "enron_perry_wolfe/employees.txt").read_text().splitlines():
        parts = line.split("\t")
        employees[int(parts[0])] = parts[6].strip() == "Senior"
        names[int(parts[0])] = parts[1]
    recipients: dict[str, list[int]] = defaultdict(list)
    for line in (DATA / "enron_perry_wolfe/recipients.tsv").read_text().splitlines():
        message, _, receiver = line.split("\t")
        recipients[message].append(int(receiver))
    messages = []
    for line in (DATA / "enron_perry_wolfe/messages.tsv").read_text(errors="replace").splitlines():
        message, _, at, subject, sender = line.split("\t")
        if message in recipients:
            messages.append((message, int(at), subject, int(sender)))
    return employees, names, messages, recipients


def write_mbox(path: Path, names: dict[int, str], messages: list, recipients: dict) -> None:  # type: ignore[type-arg]
    """One mbox message per row of messages.tsv: From the sender, To its recipients."""

    def address(i: int) -> str:
        return formataddr((names[i], f"employee{i}@enron.example"), charset="utf-8")

    with path.open("w", encoding="ascii") as f:
        for message, at, subject, sender in messages:
            to = ",\n ".join(address(r) for r in dict.fromkeys(recipients[message]))
            encoded = Header(subject, "utf-8").encode() if not subject.isascii() else subject
            f.write(
                f"From employee{sender}@enron.example {time.asctime(time.gmtime(at))}\n"
                f"From: {address(sender)}\nTo: {to}\nDate: {formatdate(at)}\n"
                f"Subject: {encoded}\nMessage-ID: <{message}@perry-wolfe.example>\n\n\n"
            )


def _reply_hours(messages: list, recipients: dict) -> dict[int, float]:  # type: ignore[type-arg]
    """From the raw files: the median hours others took to answer each person (Rowe et al.
    2007's response time), threading by subject as Salon's ``answered_by`` does."""
    prefix = re.compile(r"^\s*((re|fw|fwd)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
    latest: dict[tuple[int, str], tuple[int, int]] = {}
    hours: dict[int, list[float]] = defaultdict(list)
    for message, at, subject, sender in sorted(messages, key=lambda m: m[1]):
        topic = " ".join(prefix.sub("", subject).split()).lower()
        parent = latest.get((sender, topic))
        threaded = parent is not None and parent[1] != sender and at - parent[0] <= 30 * 86400
        if topic and re.match(r"^\s*re\b", subject, re.I) and threaded:
            hours[parent[1]].append((at - parent[0]) / 3600)
        for r in recipients[message]:
            latest[(r, topic)] = (at, sender)
    return {p: float(np.median(h)) for p, h in hours.items()}


def enron_seniority() -> None:
    print("\n3. Enron: Senior (74) vs Junior (82), ROC AUC (all 156 / even ids / odd ids)")
    employees, names, messages, recipients = _enron()
    mbox = WORK / "enron.mbox"
    write_mbox(mbox, names, messages, recipients)
    start = time.perf_counter()
    store = imported("enron", [mbox])
    imported_s = time.perf_counter() - start
    found = salon.experts(store, "all", everyone=True, top=10**6)
    pagerank = salon.influencers(store, "all", include_members=True, top=10**6)
    people = sorted(employees)
    y = np.array([employees[p] for p in people])
    halves = [np.ones(len(people), bool), np.array([p % 2 == 0 for p in people])]
    halves.append(~halves[1])
    by_name = {r["name"]: r for r in found.experts}
    rows = [by_name.get(names[p]) for p in people]
    print(
        f"   {len(messages):,} messages imported from an mbox in {imported_s:.1f} s; "
        f"{sum(r is not None for r in rows)} of 156 employees in the graph; "
        f"substance from {', '.join(found.substance_from)}; "
        f"visibility from {', '.join(found.visibility_from)}"
    )
    G = nx.DiGraph()
    G.add_nodes_from(people)
    G.add_edges_from((s, r) for m, _, _, s in messages for r in recipients[m] if r != s)
    _, authority = nx.hits(G, max_iter=10_000, tol=1e-12)
    hours = _reply_hours(messages, recipients)
    ppr = {node["name"]: node["ppr"] for node in pagerank.influencers}
    floor = -1e9  # an employee Salon does not hold ranks last

    def value(row: dict | None, key: str) -> float:  # type: ignore[type-arg]
        if row is None:
            return floor
        return float(row[key] if key in row else row["evidence"].get(key, 0.0))

    scores = {
        "networkx in-degree (distinct senders)": [G.in_degree(p) for p in people],
        "networkx HITS authority": [authority[p] for p in people],
        "salon influencers (PageRank, e-mail weights)": [ppr.get(names[p], floor) for p in people],
        "salon experts: substance": [value(r, "substance") for r in rows],
        "salon experts: heads-down (substance − visibility)": [
            floor if r is None else r["substance"] - r["visibility"] for r in rows
        ],
        "salon experts: visibility": [value(r, "visibility") for r in rows],
        **{f"   input {k}": [value(r, k) for r in rows] for k in found.substance_from},
        **{f"   input {k} (talk)": [value(r, k) for r in rows] for k in found.visibility_from},
        "raw: others' median reply hours, negated (not in Salon)": [
            -hours.get(p, 1e6) for p in people
        ],
    }
    for name, score in scores.items():
        score = np.asarray(score, dtype=float)
        aucs = " / ".join(f"{roc_auc_score(y[h], score[h]):.3f}" for h in halves)
        print(f"   {name:56} AUC {aucs}")
    print(
        "   (BASELINES: in-degree 0.812, HITS authority 0.816, weighted PageRank 0.666; "
        "before this step, a substance score built in the script: 0.535)"
    )


SE = DATA / "stackexchange_quantumcomputing"


def _when(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _text(row: ET.Element) -> str:
    raw = row.get("Body") or row.get("Text") or ""
    links = " ".join(re.findall(r'href="(http[^"]+)"', raw))
    body = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return " ".join(f"{row.get('Title') or ''} {body} {links}".split())[:500]


def stackexchange_holdout(top: int = 20) -> None:
    posts = [r for r in ET.parse(SE / "Posts.xml").getroot() if r.get("PostTypeId") in ("1", "2")]
    comments = list(ET.parse(SE / "Comments.xml").getroot())
    times = [_when(r.get("CreationDate")) for r in posts + comments]
    midpoint = (min(times) + max(times)) / 2
    day = datetime.fromtimestamp(midpoint, UTC).date()
    print(
        f"\n4. Stack Exchange Quantum Computing, temporal hold-out at the midpoint ({day}): "
        f"heads-down experts from the first half against the top {top} by posts + comments"
    )
    lines = []
    for r in posts:
        if r.get("OwnerUserId") and _when(r.get("CreationDate")) < midpoint:
            lines.append(
                {
                    "id": r.get("Id"),
                    "author": r.get("OwnerUserId"),
                    "time": r.get("CreationDate"),
                    "text": _text(r),
                    "reply_to": r.get("ParentId"),
                    "tags": re.findall(r"<([^>]+)>", r.get("Tags", "")),
                    "channel": "quantumcomputing.stackexchange.com",
                }
            )
    for r in comments:
        if r.get("UserId") and _when(r.get("CreationDate")) < midpoint:
            lines.append(
                {
                    "id": f"comment-{r.get('Id')}",
                    "author": r.get("UserId"),
                    "time": r.get("CreationDate"),
                    "text": _text(r),
                    "reply_to": r.get("PostId"),
                    "channel": "quantumcomputing.stackexchange.com",
                }
            )
    # author_handle: the display name without spaces, as @mentions in comments write it, so
    # that a person mentioned is the author of that name; author_name keeps the dump's id.
    handles = {
        r.get("Id"): re.sub(r"\s+", "", r.get("DisplayName", ""))
        for r in ET.parse(SE / "Users.xml").getroot()
    }
    for line in lines:
        line["author_name"] = f"user {line['author']}"
        if handles.get(line["author"]):
            line["author_handle"] = handles[line["author"]]
    path = WORK / "quantumcomputing-first-half.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    store = imported("stackexchange", [path], namespace="qc")
    activity = Counter(int(line["author"]) for line in lines)
    tags = Counter(t for line in lines for t in line.get("tags", []))
    # The heads-down experts around the segments of the first half's five most used tags
    # (around "all", nobody is outside the segment to earn engagement from).
    experts: list[int] = []
    for tag, _ in tags.most_common(5):
        found = salon.experts(store, f"tag:{tag}", top=top)
        for r in found.experts:
            if r["name"].startswith("user ") and int(r["name"][5:]) not in experts:
                experts.append(int(r["name"][5:]))
    experts = experts[:top]
    visible = [p for p, _ in sorted(activity.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    print(
        f"   first half: {len(lines):,} posts and comments by {len(activity):,} people; "
        f"substance from {', '.join(found.substance_from)}; visibility from "
        f"{', '.join(found.visibility_from)}; {len(experts)} heads-down experts named around "
        f"tag:{', tag:'.join(t for t, _ in tags.most_common(5))}, "
        f"{len(set(experts) & set(visible))} of them among the {top} most visible"
    )
    # Ground truth, from the raw dump: what each person did in the second half.
    accepted = {r.get("AcceptedAnswerId") for r in posts if r.get("AcceptedAnswerId")}
    answers, accepted_n, score = Counter(), Counter(), Counter()
    for r in posts:
        late = _when(r.get("CreationDate")) >= midpoint
        if r.get("PostTypeId") == "2" and r.get("OwnerUserId") and late:
            who = int(r.get("OwnerUserId"))
            answers[who] += 1
            accepted_n[who] += r.get("Id") in accepted
            score[who] += int(r.get("Score", 0))
    groups = {
        "heads-down experts (salon experts)": experts,
        f"top {top} by posts + comments": visible,
        "everyone active in the first half": sorted(activity),
    }
    print(
        "   second half (raw dump)                  people  answering  answers  accepted  "
        "score/answer  accepted/answer  answers/person"
    )
    for name, group in groups.items():
        n_answers = sum(answers[p] for p in group)
        n_accepted = sum(accepted_n[p] for p in group)
        total = sum(score[p] for p in group)
        print(
            f"   {name:38} {len(group):>7} {sum(answers[p] > 0 for p in group):>10} "
            f"{n_answers:>8} {n_accepted:>9} {total / max(n_answers, 1):>13.2f} "
            f"{n_accepted / max(n_answers, 1):>16.2f} {n_answers / max(len(group), 1):>15.2f}"
        )
    print(
        "   (scores are as of the dump, 2018-09-01; the earlier check ranked on these same "
        "votes and acceptances, which make up reputation: circular)"
    )


def main() -> None:
    start = time.perf_counter()
    with recorded(__file__):
        pagerank_agreement()
        email_departments()
        facebook_circles()
        enron_seniority()
        stackexchange_holdout()
        print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
