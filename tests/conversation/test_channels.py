import numpy as np

from salon.conversation.channels import growth, rank_channels
from salon.conversation.table import PostTable

DAY = 86400.0


def _posts() -> PostTable:
    """A topic over 90 days: "steady" posts every 5 days throughout; "dead" posted on days
    0-10 (a burst on days 8-10) and never again; "late" only starts on day 70."""
    days = {
        "steady": list(range(0, 91, 5)),
        "dead": [0, 1, 8, 9, 9, 10, 10, 10],
        "late": [70, 75, 80, 85, 90],
    }
    rows = [(name, d) for name, ds in days.items() for d in ds]
    n = len(rows)
    return PostTable(
        ids=np.arange(n),
        keys=[f"p:{i}" for i in range(n)],
        authors=np.arange(n) % 7,
        times=np.array([d * DAY for _, d in rows]),
        texts=["qubits"] * n,
        tags=[("qc",)] * n,
        channels=[name for name, _ in rows],
        parents=np.full(n, -1),
        is_reply=np.zeros(n, dtype=bool),
    )


def test_growth_uses_one_window_for_every_channel():
    posts = _posts()
    ranked = {
        c.name: c
        for c in rank_channels(
            posts, np.ones(posts.n, dtype=bool), segment=set(), agenda_setters=set(), topic_tag="qc"
        )
    }
    dead, steady, late = (
        ranked[f"channel:{n}"].evidence["growth"] for n in ("dead", "steady", "late")
    )
    # Within its own span (days 0-10) the dead channel's last third held 6 of 8 posts: the old
    # measure called it growing (6 / (2 / 2) = 6.0). Cut at day 60 for all, it is dead.
    assert dead == 0.0
    assert steady == round(growth(posts.times[:19], (0.0, 90 * DAY)), 3)
    assert late > steady > dead
    assert ranked["channel:dead"].parts["growth"] < ranked["channel:steady"].parts["growth"]


def test_growth_rates():
    assert growth(np.array([0.0, 10, 20, 70, 80, 90]), (0.0, 90.0)) == 3 / (3 / 2)
    assert growth(np.array([0.0, 1, 2]), (0.0, 90.0)) == 0.0
    assert growth(np.array([5.0]), None) == 1.0


def test_evidence_counts_threads_pairs_and_people():
    # Threads: 0 <- 1 <- 2 (1 and 2 answer each other), 0 <- 3 (unknown author); 4 <- 5
    # (answering oneself); 6 <- 7. The two threads of 2 posts tie: the lower root first.
    u = np.iinfo(np.int64).min
    posts = PostTable(
        ids=np.arange(8),
        keys=[f"p:{i}" for i in range(8)],
        authors=np.array([1, 2, 1, u, 3, 3, 4, 5]),
        times=np.arange(8) * DAY,
        texts=[f"post {i}" for i in range(8)],
        tags=[()] * 8,
        channels=["forum"] * 8,
        parents=np.array([-1, 0, 1, 0, -1, 4, -1, 6]),
        is_reply=np.array([False, True, True, True, False, True, False, True]),
    )
    (forum,) = rank_channels(
        posts, np.ones(8, dtype=bool), segment={1, 3}, agenda_setters={5, 99}, min_posts=1
    )
    e = forum.evidence
    assert (e["posts"], e["segment_posts"], e["agenda_setter_posts"]) == (8, 4, 1)
    assert (e["thread_length"], e["back_and_forth"], e["participants"]) == (2.67, 1, 5)
    assert forum.agenda_setters == [5]
    assert [(t["post"], t["posts"], t["participants"]) for t in forum.threads] == [
        ("p:0", 4, 3),
        ("p:4", 2, 1),
        ("p:6", 2, 2),
    ]
