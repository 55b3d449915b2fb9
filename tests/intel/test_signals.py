"""First-insight signals from plain data: terms, job changes, posts and meetings."""

from __future__ import annotations

from salon.intel.signals import account_terms, distinctive, find_signals, phrases

PLAN = {
    "name": "Acme",
    "stakeholders": [{"person": 1, "role": "decision_maker"}, {"person": 2, "role": None}],
    "notes": [
        {"id": 10, "field": "projects", "text": "Moving the Acme ledger to Postgres this year"},
        {"id": 11, "field": "politics", "text": "Postgres fans and Oracle fans do not talk"},
    ],
}


def test_terms_are_phrases_and_names_of_issues_and_projects():
    terms = account_terms(PLAN["notes"])
    assert "postgres" in terms and "acme ledger" in terms and terms["postgres"] == [10]
    assert "moving" not in terms and "year" not in terms  # lower-case words alone
    assert "oracle" not in terms  # politics is not matched against posts
    background = ["Postgres tips"] * 3 + ["weekly update"] * 97
    # "postgres" is in 3 of 100 texts: more than MIN_DF (2) and MAX_SHARE_WORD (1 %) allow
    assert set(distinctive(terms, background)) == set(terms) - {"postgres"}
    assert phrases("We love the Acme ledger!", ["acme ledger"]) == ["acme ledger"]


def test_job_changes_posts_and_meetings():
    activity = {
        "posts": [
            {"person": 7, "at": 5, "text": "Notes on moving a ledger to Postgres", "platform": "x",
             "url": None},
            {"person": 8, "at": 6, "text": "My lunch", "platform": "x", "url": None},
        ],
        "affiliations": [
            {"person": 1, "at": 3, "organization": "Globex", "title": "CTO"},
            {"person": 4, "at": 4, "organization": "Acme", "title": "Head of Data"},
            {"person": 5, "at": 4, "organization": "Initech", "title": "Intern"},
        ],
        "meetings": [
            {"title": "Coffee", "kind": "coffee", "at": 7, "place": None, "attendees": [0, 2]},
            {"title": "Board", "kind": "meeting", "at": 8, "place": None, "attendees": [0, 6]},
        ],
        "messages": [],
    }  # fmt: skip
    found, _ = find_signals(
        PLAN, activity, at_account={4: []}, names={1: "Ann", 2: "Bo", 4: "Cy", 7: "Di"}, you=0,
        background=["Postgres"] + ["other"] * 200,
    )  # fmt: skip
    kinds = sorted((s["kind"], s["text"]) for s in found)
    assert kinds == [
        ("job_change", "CTO at Globex"),
        ("job_change", "Head of Data at Acme"),
        ("meeting", "Coffee"),
        ("post", "Notes on moving a ledger to Postgres"),
    ]
    moved = next(s for s in found if s["text"] == "CTO at Globex")
    assert moved["people"] == [{"id": 1, "name": "Ann", "role": "decision_maker"}]
    assert "who holds their part (decision_maker)" in moved["next_step"]
    post = next(s for s in found if s["kind"] == "post")
    assert post["terms"] == ["ledger postgres", "postgres"] and post["notes"][0]["id"] == 10
    assert "salon check-post" in post["next_step"]
    assert moved["score"] == 3.0 and moved["terms"] == []  # a decision maker's weight
    joined = next(s for s in found if s["text"] == "Head of Data at Acme")
    assert joined["terms"] == ["acme"] and "joined Acme as Head of Data" in joined["next_step"]
