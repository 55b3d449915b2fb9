"""The plan's private part: the account intelligence to gather first, from
:func:`salon.account_gaps` for each of the goal's accounts, ordered by what a deal needs
first. It is private: :func:`salon.plan` adds it only with ``include_private``, and no public
output (the report without ``--include-private``) ever carries it.

>>> first_gaps([{"account": "Acme", "fields": [{"field": "politics", "gap": "empty"},
...     {"field": "decision_process", "gap": "stale"}], "roles": ["blocker", "champion"],
...     "unmet": []}])[:2]
... # doctest: +NORMALIZE_WHITESPACE
[{'account': 'Acme', 'kind': 'role', 'what': 'who champions you at Acme',
  'reason': 'no stakeholder has the role champion'},
 {'account': 'Acme', 'kind': 'field', 'what': 'the decision process of Acme',
  'reason': 'its entries are stale'}]
"""

from __future__ import annotations

from typing import Any

from salon.store.database import Store
from salon.strategy import advice

#: Buying roles, most needed first.
ROLE_ORDER = ("decision_maker", "champion", "evaluator", "procurement", "influencer", "blocker")
#: Account-plan fields, most needed first.
FIELD_ORDER = (
    "decision_process",
    "criteria",
    "issues",
    "projects",
    "politics",
    "motivations",
    "gaps",
)
_ROLE_WORDS = {
    "decision_maker": "who decides at {a}",
    "champion": "who champions you at {a}",
    "evaluator": "who evaluates offers at {a}",
    "procurement": "who buys at {a}",
    "influencer": "who influences the decision at {a}",
    "blocker": "who could block you at {a}",
}
SHOWN = 10


def _rank(order: tuple[str, ...], value: str) -> int:
    return order.index(value) if value in order else len(order)


def first_gaps(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The gaps of every account, most needed first: the deciding roles nobody holds, the
    empty or stale fields of the deal (decision process, criteria, issues, projects first),
    then the stakeholders you never met (with the warmest path to them), then the other
    roles."""
    ranked: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    for i, gaps in enumerate(found):
        name = gaps["account"]
        for role in gaps.get("roles") or []:
            r = _rank(ROLE_ORDER, role)
            ranked.append(
                (
                    (0 if r < 2 else 3, r, i),
                    {
                        "account": name,
                        "kind": "role",
                        "what": _ROLE_WORDS.get(role, "who is {role} at {a}").format(
                            a=name, role=role
                        ),
                        "reason": f"no stakeholder has the role {role.replace('_', ' ')}",
                    },
                )
            )
        for f in gaps.get("fields") or []:
            r = _rank(FIELD_ORDER, f["field"])
            ranked.append(
                (
                    (1, r, i),
                    {
                        "account": name,
                        "kind": "field",
                        "what": f"the {f['field'].replace('_', ' ')} of {name}",
                        "reason": "nothing is known yet"
                        if f["gap"] == "empty"
                        else "its entries are stale",
                    },
                )
            )
        for u in gaps.get("unmet") or []:
            r = _rank(ROLE_ORDER, u.get("role") or "")
            path = (u.get("paths") or [None])[0]
            via = ""
            if path and path.get("via"):
                via = f"; warmest path via {advice.join(str(v) for v in path['via'][:2])}"
            ranked.append(
                (
                    (2, r, i),
                    {
                        "account": name,
                        "kind": "stakeholder",
                        "what": f"meet {advice.who(u)} ({u.get('role') or 'no role'}) at {name}",
                        "person": u.get("person"),
                        "reason": f"you have not met them (stage {u.get('stage')}){via}",
                    },
                )
            )
    ranked.sort(key=lambda x: x[0])
    return [row for _, row in ranked]


def account_section(store: Store, names: list[str]) -> dict[str, Any]:
    """Section 5 of the plan: ``advice``, ``gaps`` (most needed first), ``accounts`` (each
    account's gaps as :func:`salon.account_gaps` gives them) and ``notes``."""
    from salon.insights import account_gaps

    if not names:
        return {
            "advice": "The goal names no account: add one with 'salon goal add … --account "
            "NAME --replace' to plan what to learn about it.",
            "gaps": [],
            "accounts": [],
            "notes": [],
        }
    found = [account_gaps(store, name).to_dict() for name in names]
    gaps = first_gaps(found)
    notes = [n for f in found for n in f.get("notes") or []]
    if gaps:
        first = gaps[0]
        sentence = (
            f"Before your next conversation with {advice.join(names)}, find out "
            f"{first['what']} ({first['reason']}): {advice.plural(len(gaps), 'gap')} in all."
        )
    else:
        sentence = f"Your intelligence on {advice.join(names)} has no gap: keep it fresh."
    return {"advice": sentence, "gaps": gaps[:SHOWN], "accounts": found, "notes": notes}
