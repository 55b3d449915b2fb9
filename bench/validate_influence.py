"""Validation of step 3 on real data, printing the figures of ../shared/data/BASELINES.md.

1. PageRank and personalised PageRank against networkx (max |difference|), on the Higgs
   retweet network and email-Eu-core.
2. Communities against ground truth: email-Eu-core's 42 departments (NMI, ARI) and the
   user-made circles of the 10 Facebook ego networks (best-match F1), Salon's Leiden against
   networkx's Louvain on equal terms, seeds 0–4: the same weighted undirected graph (a pair's
   weight is the attention both ways, w(u, v) = A[u, v] + A[v, u], as Salon's Leiden uses)
   and the same number of runs per seed (Salon's default, 10 below 100,000 nodes), each
   keeping the run of highest weighted modularity.
3. Enron (Perry & Wolfe): do influence and substance separate Senior from Junior? ROC AUC of
   in-degree, PageRank, Salon's attention PageRank and substance.
4. Stack Exchange (Quantum Computing): substance (accepted answers, score per post) against
   talk (comments, posts): how many of the top users by substance are outside the top by
   activity.

Usage: python bench/validate_influence.py
"""

from __future__ import annotations

import gzip
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp
from _results import recorded
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, roc_auc_score

from salon.graph.communities import default_runs, leiden
from salon.graph.features import engagement_from
from salon.graph.influence import pagerank, segment_vector
from salon.graph.snapshot import GraphSnapshot
from salon.graph.substance import Features, substance_scores

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEEDS = range(5)


def to_networkx(g: GraphSnapshot) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(int(p) for p in g.people)
    coo = g.matrix.tocoo()
    G.add_weighted_edges_from(
        zip(g.people[coo.row].tolist(), g.people[coo.col].tolist(), coo.data.tolist(), strict=True)
    )
    return G


def pagerank_agreement() -> None:
    print("\n1. PageRank and PPR against networkx 3 (tol 1e-14; max |difference|)")
    with gzip.open(DATA / "higgs_twitter/higgs-retweet_network.edgelist.gz") as f:
        higgs = np.loadtxt(f, dtype=np.int64)
    eu = np.loadtxt(DATA / "email_eu_core/email-Eu-core.txt", dtype=np.int64)
    graphs = {
        "higgs retweets (weighted)": GraphSnapshot.from_edges(
            higgs[:, 0], higgs[:, 1], higgs[:, 2].astype(float)
        ),
        "email-Eu-core": GraphSnapshot.from_edges(eu[:, 0], eu[:, 1]),
    }
    for name, g in graphs.items():
        G = to_networkx(g)
        seeds = g.people[:: max(g.n // 50, 1)][:50]
        for label, restart in (("PageRank", None), ("PPR (50 seeds)", seeds)):
            v = None if restart is None else segment_vector(g, restart)
            ours = pagerank(g, personalization=v, tol=1e-14).values
            ref = nx.pagerank(
                G,
                alpha=0.85,
                weight="weight",
                tol=1e-14,
                max_iter=5000,
                personalization=None if restart is None else {int(s): 1 for s in restart},
            )
            diff = np.abs(ours - np.array([ref[int(p)] for p in g.people])).max()
            print(f"   {name:28} {label:15} n={g.n:>7,} edges={g.edges:>7,}  max diff {diff:.1e}")


def weighted_undirected(g: GraphSnapshot) -> nx.Graph:
    """The graph Salon's Leiden sees: w(u, v) = A[u, v] + A[v, u], on node indices."""
    sym = sp.triu(g.matrix + g.matrix.T, k=1).tocoo()
    G = nx.Graph()
    G.add_nodes_from(range(g.n))
    G.add_weighted_edges_from(
        zip(sym.row.tolist(), sym.col.tolist(), sym.data.tolist(), strict=True)
    )
    return G


def _louvain(G: nx.Graph, seed: int) -> tuple[np.ndarray, float]:
    """Louvain as Salon runs Leiden: best weighted modularity of ``default_runs`` seeded runs
    (seeds ``seed × runs`` onwards)."""
    runs = default_runs(G.number_of_nodes())
    best = None
    for run in range(runs):
        found = nx.community.louvain_communities(G, weight="weight", seed=seed * runs + run)
        quality = nx.community.modularity(G, found, weight="weight")
        if best is None or quality > best[0]:
            best = (quality, found)
    membership = np.empty(G.number_of_nodes(), dtype=np.int64)
    for i, community in enumerate(best[1]):
        membership[list(community)] = i
    return membership, best[0]


def _methods(g: GraphSnapshot) -> dict[str, list[tuple[np.ndarray, float]]]:
    G = weighted_undirected(g)
    out: dict[str, list[tuple[np.ndarray, float]]] = {"salon leiden": [], "networkx louvain": []}
    for s in SEEDS:
        partition = leiden(g, seed=s)
        out["salon leiden"].append((partition.membership, partition.modularity))
        out["networkx louvain"].append(_louvain(G, s))
    return out


def email_departments() -> None:
    print(
        "\n2a. email-Eu-core: 42 departments (weighted undirected graph, w = A + Aᵀ; "
        f"{default_runs(1005)} runs per seed for both, best modularity kept)"
    )
    eu = np.loadtxt(DATA / "email_eu_core/email-Eu-core.txt", dtype=np.int64)
    labels = np.loadtxt(DATA / "email_eu_core/email-Eu-core-department-labels.txt", dtype=np.int64)[
        :, 1
    ]
    g = GraphSnapshot.from_edges(eu[:, 0], eu[:, 1], people=np.arange(1005))
    for name, found in _methods(g).items():
        nmi = [normalized_mutual_info_score(labels, p) for p, _ in found]
        ari = [adjusted_rand_score(labels, p) for p, _ in found]
        modularity = np.mean([q for _, q in found])
        print(
            f"   {name:18} NMI {np.mean(nmi):.3f} ± {np.std(nmi):.3f}   ARI {np.mean(ari):.3f}"
            f"   modularity {modularity:.4f}"
        )
    print("   (BASELINES, Louvain on the unweighted simple graph, 1 run per seed: NMI 0.590)")


def _best_f1(groups_a: list[set[int]], groups_b: list[set[int]]) -> float:
    def f1(a: set[int], b: set[int]) -> float:
        inter = len(a & b)
        return 0.0 if inter == 0 else 2 * inter / (len(a) + len(b))

    return float(np.mean([max(f1(a, b) for b in groups_b) for a in groups_a]))


def facebook_circles() -> None:
    print(
        "\n2b. Facebook ego networks: user-made circles (best-match F1, mean of 10 egos; "
        "the same weighted graph and runs for both)"
    )
    f1: dict[str, list[float]] = defaultdict(list)
    for circles_file in sorted((DATA / "snap_ego_facebook").glob("*.circles")):
        ego = circles_file.stem
        edges = np.loadtxt(DATA / "snap_ego_facebook" / f"{ego}.edges", dtype=np.int64)
        circles = [
            set(map(int, line.split()[1:]))
            for line in circles_file.read_text().splitlines()
            if len(line.split()) > 1
        ]
        g = GraphSnapshot.from_edges(edges[:, 0], edges[:, 1])
        nodes = np.asarray(g.people)
        circles = [c & set(nodes.tolist()) for c in circles if c & set(nodes.tolist())]
        for name, found in _methods(g).items():
            scores = []
            for m, _ in found:
                communities = [set(nodes[m == c].tolist()) for c in np.unique(m)]
                scores.append(
                    0.5 * (_best_f1(circles, communities) + _best_f1(communities, circles))
                )
            f1[name].append(float(np.mean(scores)))
    print(f"   salon leiden      F1 {np.mean(f1['salon leiden']):.3f}")
    print(
        f"   networkx louvain  F1 {np.mean(f1['networkx louvain']):.3f}   (BASELINES, unweighted, "
        "1 run per seed: 0.379, chance 0.182)"
    )


def enron_seniority() -> None:
    print("\n3. Enron: Senior (74) vs Junior (82), ROC AUC")
    employees = {}
    for line in (DATA / "enron_perry_wolfe/employees.txt").read_text().splitlines():
        parts = line.split("\t")
        employees[int(parts[0])] = parts[6].strip() == "Senior"
    sender, subject = {}, {}
    for line in (DATA / "enron_perry_wolfe/messages.tsv").read_text(errors="replace").splitlines():
        parts = line.split("\t")
        sender[parts[0]] = int(parts[-1])
        subject[parts[0]] = parts[3] if len(parts) > 4 else ""
    src, dst, sent = [], [], Counter()
    recipients = defaultdict(set)
    for line in (DATA / "enron_perry_wolfe/recipients.tsv").read_text().splitlines():
        message, _, receiver = line.split("\t")
        recipients[message].add(int(receiver))
    for message, who in recipients.items():
        sent[sender[message]] += 1
        for receiver in who:
            src.append(sender[message])
            dst.append(receiver)
    people = np.array(sorted(employees))
    arcs = GraphSnapshot.from_edges(
        np.array(src),
        np.array(dst),
        np.ones(len(src)),
        kind=np.zeros(len(src), np.int16),
        kind_names=["email"],
        people=people,
    )
    simple = GraphSnapshot.from_edges(
        arcs.matrix.tocoo().row, arcs.matrix.tocoo().col, people=np.arange(len(people))
    )
    y = np.array([employees[p] for p in people])
    in_degree = np.diff(simple.matrix.tocsc().indptr)
    scores = {
        "in-degree (distinct senders)": in_degree,
        "PageRank, unweighted": pagerank(simple).values,
        "PageRank, weighted by messages": pagerank(arcs).values,
    }
    # Salon's substance: engagement earned from the top agenda-setters per message sent
    # (doing) against the volume of messages sent (talk).
    leaders = np.argsort(-scores["PageRank, unweighted"])[:20]
    posts = np.array([sent[p] for p in people], dtype=float)
    features = Features(people, {"posts": posts})
    features.values["engagement_per_post"] = engagement_from(arcs, leaders, posts, ("email",))
    substance = substance_scores(features)
    scores["salon substance (doing)"] = substance.substance
    scores["salon heads-down (substance - talk)"] = substance.heads_down
    for name, value in scores.items():
        print(f"   {name:38} AUC {roc_auc_score(y, value):.3f}")
    print("   (BASELINES: in-degree 0.812, HITS authority 0.816, weighted PageRank 0.666)")


def stackexchange_substance(top: int = 50) -> None:
    print(f"\n4. Stack Exchange Quantum Computing: top {top} by substance vs top {top} by activity")
    folder = DATA / "stackexchange_quantumcomputing"
    posts = ET.parse(folder / "Posts.xml").getroot()
    accepted = {r.get("AcceptedAnswerId") for r in posts if r.get("AcceptedAnswerId")}
    answers, accepted_n, score, n_posts = Counter(), Counter(), Counter(), Counter()
    for r in posts:
        owner = r.get("OwnerUserId")
        if not owner or r.get("PostTypeId") not in ("1", "2"):
            continue
        n_posts[owner] += 1
        score[owner] += int(r.get("Score", 0))
        if r.get("PostTypeId") == "2":
            answers[owner] += 1
            accepted_n[owner] += r.get("Id") in accepted
    comments = Counter(
        r.get("UserId") for r in ET.parse(folder / "Comments.xml").getroot() if r.get("UserId")
    )
    users = sorted(set(n_posts) | set(comments))
    features = Features(
        np.arange(len(users)),
        {
            "introductions": np.array([accepted_n[u] for u in users], float),  # accepted answers
            "engagement_per_post": np.array([max(score[u], 0) / max(n_posts[u], 1) for u in users]),
            "posts": np.array([comments[u] for u in users], float),  # talk: comment volume
        },
    )
    result = substance_scores(features)
    by_substance = set(np.argsort(-result.substance, kind="stable")[:top].tolist())
    activity = np.array([n_posts[u] + comments[u] for u in users])
    by_activity = set(np.argsort(-activity, kind="stable")[:top].tolist())
    reputation = {
        r.get("Id"): int(r.get("Reputation", 0)) for r in ET.parse(folder / "Users.xml").getroot()
    }
    outside = by_substance - by_activity
    print(
        f"   {len(users):,} users; {len(outside)} of the top {top} by substance are outside "
        f"the top {top} by activity"
    )
    print(
        f"   median reputation: those {len(outside)}: "
        f"{np.median([reputation.get(users[i], 0) for i in outside]):.0f}; "
        f"top by activity: {np.median([reputation.get(users[i], 0) for i in by_activity]):.0f}"
    )


def main() -> None:
    start = time.perf_counter()
    with recorded(__file__):
        pagerank_agreement()
        email_departments()
        facebook_circles()
        enron_seniority()
        stackexchange_substance()
        print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
