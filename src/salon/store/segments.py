"""Segments: named sets of people defined by a rule, stored so every command can use them.

A rule is ``KIND:VALUE``; several joined by `` & `` must all hold.

=====================  ========================================================================
``org:TEXT``           works (or worked) at an organisation whose name contains TEXT
``title:TEXT``         a job title or headline containing TEXT
``location:TEXT``      a location containing TEXT
``platform:NAME``      has an identity on that platform (``x``, ``mastodon``, a namespace), or
                       is a market node of the lake's namespace NAME
``followers:WHO``      follows WHO (an id, a name, or a handle; in the market lake, a
                       ``namespace:id`` node or a person's ``id`` identities)
``tag:TAG``            posted with the tag TAG (in the store or the market lake)
``community:N``        in community N of ``salon communities``; stored as
                       ``community:N@seed=S,resolution=R``, the parameters it was made with
``file:PATH``          the handles, e-mail addresses, URLs or ids listed in PATH, one a line;
                       stored with PATH made absolute; an id (or ``namespace:id``) of the
                       market lake names that market node
``namespace:NAME``     every market node of the lake's namespace NAME, and everyone with an
                       identity there
``all``                everyone
=====================  ========================================================================

A rule is evaluated once before it is stored, so a stored segment worked when it was made.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import Connection, delete, or_, select

from salon.errors import SalonError
from salon.model import identity
from salon.reporting import notice
from salon.store import memo
from salon.store.database import Store, folded_like
from salon.store.merges import canonical_map, groups
from salon.store.profiles import resolve_person
from salon.store.schema import (
    affiliations,
    identities,
    organizations,
    people,
    posts,
    segments,
    ties,
)

RULE_KINDS = (
    "org",
    "title",
    "location",
    "platform",
    "followers",
    "tag",
    "community",
    "file",
    "namespace",
    "all",
)

#: Evaluates ``community:N`` rules: (community number, seed, resolution) -> person ids, with
#: ``None`` for a parameter the rule does not fix (the command's own then). Set by the caller.
CommunityLookup = Callable[[int, "int | None", "float | None"], set[int]]


def community_clause(value: str) -> tuple[int, int | None, float | None]:
    """``"3@seed=1,resolution=0.5"`` → ``(3, 1, 0.5)``; ``"3"`` → ``(3, None, None)``."""
    number, _, params = value.partition("@")
    seed: int | None = None
    resolution: float | None = None
    try:
        for param in filter(None, (p.strip() for p in params.split(","))):
            key, _, given = param.partition("=")
            if key.strip() == "seed":
                seed = int(given)
            elif key.strip() == "resolution":
                resolution = float(given)
            else:
                raise ValueError(key)
        return int(number), seed, resolution
    except ValueError:
        raise SalonError(
            f"'community:{value}' is not a community rule: use community:N, or "
            "community:N@seed=S,resolution=R."
        ) from None


def pin_communities(rule: str, *, seed: int = 0, resolution: float = 1.0) -> str:
    """The rule with every ``community:N`` clause carrying the seed and resolution it is
    made with, so a stored segment always means the same partition, and every ``file:PATH``
    an absolute path, so it means the same file from any folder."""
    parts = parse_rule(rule)
    if all(kind not in ("community", "file") for kind, _ in parts):
        return rule
    clauses = []
    for kind, value in parts:
        if kind == "community":
            number, s, r = community_clause(value)
            s = seed if s is None else s
            r = resolution if r is None else r
            clauses.append(f"community:{number}@seed={s},resolution={r:g}")
        elif kind == "file":
            clauses.append(f"file:{Path(value).expanduser().resolve()}")
        else:
            clauses.append(f"{kind}:{value}" if kind != "all" else "all")
    return " & ".join(clauses)


@dataclass(frozen=True)
class Segment:
    name: str
    rule: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "rule": self.rule}


def parse_rule(rule: str) -> list[tuple[str, str]]:
    """``"org:acme & title:cto"`` → ``[("org", "acme"), ("title", "cto")]`` (checked)."""
    parts = []
    for clause in rule.split(" & "):
        kind, _, value = clause.strip().partition(":")
        kind = kind.strip().lower()
        if kind not in RULE_KINDS or (kind != "all" and not value.strip()):
            raise SalonError(
                f"'{clause.strip()}' is not a segment rule. Use KIND:VALUE with KIND one of "
                f"{', '.join(RULE_KINDS)} (e.g. org:acme, title:cto, file:buyers.txt)."
            )
        parts.append((kind, value.strip()))
        if kind == "community":
            community_clause(value.strip())
    return parts


def add_segment(
    store: Store,
    name: str,
    rule: str,
    *,
    replace: bool = False,
    seed: int = 0,
    resolution: float = 1.0,
) -> Segment:
    """Store a segment once its rule has been evaluated without error (a missing file, an
    unknown person are refused, nothing is stored); ``community:N`` clauses are stored with
    ``seed`` and ``resolution`` and ``file:PATH`` with an absolute path
    (:func:`pin_communities`). Community clauses are checked, not computed, here."""
    rule = pin_communities(rule, seed=seed, resolution=resolution)
    segment_members(store, Segment(name, rule), communities=lambda *_: set())
    with store.engine.begin() as c:
        exists = c.execute(select(segments.c.id).where(segments.c.name == name)).scalar()
        if exists and not replace:
            raise SalonError(f"Segment '{name}' already exists. Use --replace to change its rule.")
        if exists:
            c.execute(delete(segments).where(segments.c.id == exists))
        c.execute(segments.insert().values(name=name, rule=rule, created_at=int(time.time())))
    return Segment(name, rule)


def remove_segment(store: Store, name: str) -> Segment:
    """Delete the stored segment ``name``; returns it (its rule) as it was."""
    with store.engine.begin() as c:
        row = c.execute(select(segments.c.id, segments.c.rule).where(segments.c.name == name))
        found = row.first()
        if found is None:
            known = ", ".join(
                c.execute(select(segments.c.name).order_by(segments.c.name)).scalars()
            )
            raise SalonError(
                f"No segment '{name}' (known: {known or 'none yet'}). "
                "Run 'salon segment list' to see them."
            )
        c.execute(delete(segments).where(segments.c.id == found.id))
    return Segment(name, found.rule)


def list_segments(store: Store) -> list[Segment]:
    with store.engine.connect() as c:
        rows = c.execute(select(segments.c.name, segments.c.rule).order_by(segments.c.name))
        return [Segment(name, rule) for name, rule in rows]


def segment_rule(store: Store, name_or_rule: str) -> Segment:
    """A stored segment by name, a file of handles, or a rule written in place."""
    with store.engine.connect() as c:
        rule = c.execute(select(segments.c.rule).where(segments.c.name == name_or_rule)).scalar()
    if rule is not None:
        return Segment(name_or_rule, rule)
    if Path(name_or_rule).is_file():
        return Segment(Path(name_or_rule).name, f"file:{Path(name_or_rule).resolve()}")
    if ":" in name_or_rule or name_or_rule == "all":
        parse_rule(name_or_rule)
        return Segment(name_or_rule, name_or_rule)
    known = ", ".join(s.name for s in list_segments(store)) or "none yet"
    raise SalonError(
        f"No segment '{name_or_rule}' (known: {known}). Add it with "
        f"'salon segment add {name_or_rule} RULE', or pass a rule or a file."
    )


def segment_members(
    store: Store, segment: Segment, *, communities: CommunityLookup | None = None
) -> set[int]:
    """Canonical ids of the segment's people."""
    with store.engine.connect() as c:
        result: set[int] | None = None
        for kind, value in parse_rule(segment.rule):
            if kind == "community":
                if communities is None:
                    raise SalonError(
                        "community: rules need the communities; use them from an analytics command."
                    )
                found = communities(*community_clause(value))
            else:  # a clause's people are read once per memo scope (salon.plan)
                found = set(
                    memo.once(store, ("rule", kind, value), partial(_canonical, c, kind, value))
                )
            result = found if result is None else result & found
    return result or set()


def _canonical(c: Connection, kind: str, value: str) -> frozenset[int]:
    mapping = canonical_map(c)
    found = _match(c, kind, value)
    return frozenset({mapping.get(p, p) for p in found} if mapping else found)


def _match(c: Connection, kind: str, value: str) -> set[int]:
    if kind == "all":
        return set(c.execute(select(people.c.id)).scalars())
    if kind in ("namespace", "followers", "file", "platform", "tag"):
        return _with_lake(c, kind, value)
    return _store_match(c, kind, value)


def _with_lake(c: Connection, kind: str, value: str) -> set[int]:
    """Store people and market nodes of the lake (negative ids) a rule names."""
    from salon.lake.graph import lake_members

    store = Store(c.engine, str(c.engine.url))
    if kind in ("namespace", "platform"):
        found = lake_members(store, c, namespace=value.lower() if kind == "platform" else value)
        return found | _store_match(c, "platform", value)
    if kind == "tag":  # authors of posts with the tag, in the store and in the lake
        from salon.lake.postread import lake_tag_members

        found = lake_tag_members(store, c, value.lower().lstrip("#"))
        return found | _store_match(c, "tag", value)
    if kind == "followers":
        targets = [value]
        try:
            who = _store_match(c, kind, value)
        except SalonError:
            who = set()
            if ":" not in value:
                raise
        else:
            person = resolve_person(c, value) if not value.startswith("@") else None
            if person is not None:
                targets += [
                    f"{p}:{v}"
                    for p, v in c.execute(
                        select(identities.c.platform, identities.c.value).where(
                            identities.c.person_id == person, identities.c.kind == "id"
                        )
                    )
                ]
        found = lake_members(store, c, followers_of=targets)
        if not found and not who and ":" in value and not lake_members(store, c, ids=[value]):
            raise SalonError(f"Nobody named '{value}' in the store or the market lake.")
        return who | found
    path = Path(value)
    entries = _entries(path)
    who, unmatched = _file_people(c, entries)
    found = lake_members(store, c, ids=entries)
    if unmatched and found:
        from salon.lake.graph import lake_named

        named = lake_named(store, c, unmatched)
        unmatched = [entry for entry in unmatched if entry not in named]
    if entries and not who and not found:
        raise SalonError(
            f"None of the {len(entries)} entries of '{path}' names a known person "
            f"({_first(unmatched)})."
        )
    if unmatched:
        notice(
            f"{len(unmatched)} of the {len(entries)} entries of '{path}' name nobody in the "
            f"store or the market lake ({_first(unmatched)}); the segment has the others."
        )
    return who | found


def _first(entries: list[str], shown: int = 3) -> str:
    """``'a', 'b', 'c' and 4 more``: the first few of a file's entries, in its order."""
    named = ", ".join(f"'{entry}'" for entry in entries[:shown])
    return named + (f" and {len(entries) - shown} more" if len(entries) > shown else "")


def _store_match(c: Connection, kind: str, value: str) -> set[int]:
    if kind == "file":
        return _from_file(c, Path(value))
    if kind == "org":
        stmt = (
            select(affiliations.c.person_id)
            .join(organizations, organizations.c.id == affiliations.c.organization_id)
            .where(folded_like(organizations.c.name, f"%{value}%"))
        )
    elif kind == "title":
        stmt = (
            select(affiliations.c.person_id)
            .where(folded_like(affiliations.c.title, f"%{value}%"))
            .union(select(people.c.id).where(folded_like(people.c.headline, f"%{value}%")))
        )
    elif kind == "location":
        stmt = (
            select(people.c.id)
            .where(folded_like(people.c.location, f"%{value}%"))
            .union(
                select(affiliations.c.person_id).where(
                    folded_like(affiliations.c.location, f"%{value}%")
                )
            )
        )
    elif kind == "platform":
        stmt = select(identities.c.person_id).where(identities.c.platform == value.lower())
    elif kind == "tag":
        tag = json.dumps(value.lower().lstrip("#"))
        stmt = select(posts.c.author_id).where(posts.c.tags.like(f"%{tag}%"))
    elif kind == "followers":
        target = resolve_person(c, value) if not value.startswith("@") else _by_handle(c, value)
        group = groups(canonical_map(c), {target})[target]
        stmt = select(ties.c.src_id).where(ties.c.kind == "follow", ties.c.dst_id.in_(group))
    else:  # file
        return _from_file(c, Path(value))
    found = set(c.execute(stmt).scalars().all())
    found.discard(None)  # type: ignore[arg-type]
    return found


def _by_handle(c: Connection, handle: str) -> int:
    found = c.execute(
        select(identities.c.person_id).where(
            identities.c.kind == "handle", identities.c.value == handle.lstrip("@").lower()
        )
    ).first()
    if found is None:
        raise SalonError(f"Nobody with the handle '{handle}'.")
    return found[0]


def _entries(path: Path) -> list[str]:
    """A segment file's entries in its order, once each (no blank lines, no # comments)."""
    if not path.is_file():
        raise SalonError(f"No such segment file: '{path}'.")
    values: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            values[line] = None
    return list(values)


def _keys(value: str) -> set[str]:
    """The identity values an entry may be: an e-mail, a URL, a handle, an id."""
    keys = {identity("", "handle", value)[2], value.lower()}
    if (
        "@" in value
        and not value.startswith("@")
        and "." in value.split("@")[-1]
        and value.count("@") == 1
    ):
        keys.add(identity("", "email", value)[2])
    elif "://" in value:
        keys.add(identity("", "url", value)[2])
    return keys


def _file_people(c: Connection, entries: list[str]) -> tuple[set[int], list[str]]:
    """The store's people a segment file's entries name, and the entries that name nobody
    there (in the file's order)."""
    keyed = {entry: _keys(entry) for entry in entries}
    chunk = sorted(set().union(*keyed.values()))
    found: set[int] = set()
    known: set[str] = set()
    for i in range(0, len(chunk), 500):
        for person, value in c.execute(
            select(identities.c.person_id, identities.c.value).where(
                or_(identities.c.value.in_(chunk[i : i + 500]))
            )
        ):
            found.add(person)
            known.add(value)
    return found, [entry for entry, keys in keyed.items() if not keys & known]


def _from_file(c: Connection, path: Path) -> set[int]:
    values = _entries(path)
    found, unmatched = _file_people(c, values)
    if values and not found:
        raise SalonError(
            f"None of the {len(values)} entries of '{path}' names a known person "
            f"({_first(unmatched)})."
        )
    return found
