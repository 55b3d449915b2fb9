"""The store's own questions, as the public API: people and one person, duplicates and
merges, who you are, segments, imports, counts, what can be dated, and the export.

Each is a function of a store with keyword-only options, returning result objects
(:mod:`salon.insights.results`, or the store's own frozen records such as
:class:`~salon.store.queries.PersonSummary`), each with ``to_dict()`` for JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from salon.errors import SalonError
from salon.identity import CANDIDATE
from salon.importers import read_as  # noqa: F401 (salon.insights.read_as, as before)
from salon.insights.results import (
    Export,
    ImportRecord,
    Merge,
    Profile,
    RemovedImport,
    SegmentInfo,
    Source,
    Stats,
    Unmerge,
    You,
)
from salon.store.adoptions import Innovation, list_innovations
from salon.store.database import Store
from salon.store.history import list_imports
from salon.store.history import remove_import as _remove_import
from salon.store.merges import Duplicate, find_duplicates, merge_people, unmerge_person
from salon.store.profiles import make_you, person_profile
from salon.store.queries import PersonSummary, export_all, find_people, follow_history
from salon.store.queries import stats as _stats
from salon.store.segments import Segment, list_segments, segment_members
from salon.store.segments import add_segment as _add_segment
from salon.store.segments import remove_segment as _remove_segment


def people(store: Store, *, query: str | None = None, limit: int = 20) -> list[PersonSummary]:
    """People in the store, you first, then the most active, with their identities;
    ``query`` matches names, headlines, identity values and platforms.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.people(store, limit=3)
    >>> found[0].is_self, len(found)
    (True, 3)
    >>> sorted(found[0].to_dict())
    ['headline', 'id', 'identities', 'interactions', 'is_self', 'name']
    """
    return find_people(store, query=query, limit=limit)


def person(store: Store, who: str | int) -> Profile:
    """One person across every source, by id or name (an exact name first, then a unique
    partial one): identities, affiliations, ties, merges and the timeline of interactions
    and meetings, each item with the file and line it came from.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> you = salon.person(store, salon.people(store, limit=1)[0].id)
    >>> you.is_self, {"file", "line"} <= set(you.identities[0])
    (True, True)
    """
    return Profile(**person_profile(store, str(who)))


def duplicates(store: Store, *, min_score: float = CANDIDATE) -> list[Duplicate]:
    """People who are probably one person but were not merged automatically, scoring at
    least ``min_score``, with the evidence (name similarity, shared organisation).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> all(d.score >= 0.5 for d in salon.duplicates(store, min_score=0.5))
    True
    """
    return find_duplicates(store, min_score=min_score)


def merge(store: Store, keep: int, other: int) -> Merge:
    """Merge ``other`` into ``keep`` by hand (reversible with :func:`unmerge`; merges never
    move rows and survive re-imports).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> a, b = [p.id for p in salon.people(store, query="linkedin", limit=3)[1:]]
    >>> done = salon.merge(store, a, b)
    >>> done.keep == a, b in salon.person(store, a).merged_people
    (True, True)
    >>> salon.unmerge(store, b).undone == [done.merge]
    True
    """
    return Merge(merge=merge_people(store, keep, other), keep=keep, other=other)


def unmerge(store: Store, person: int) -> Unmerge:
    """Undo the merge that made ``person`` part of another (or, for a kept person, every
    merge into them); an undone pair is never merged automatically again.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> a, b = [p.id for p in salon.people(store, query="linkedin", limit=3)[1:]]
    >>> merged = salon.merge(store, a, b).merge
    >>> salon.unmerge(store, b).to_dict() == {"person": b, "undone": [merged]}
    True
    """
    return Unmerge(person=person, undone=unmerge_person(store, person))


def set_you(store: Store, account: str) -> You:
    """Say which account is yours (a handle, an address, a profile URL, a person id or
    name): its person, with every export it owns, becomes part of you (reversibly, by a
    merge :func:`unmerge` undoes), or becomes you when the store has no "you" yet.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> you = salon.people(store, limit=1)[0].id
    >>> salon.set_you(store, str(you)).to_dict() == {"you": you, "merged": None}
    True
    """
    return You(**make_you(store, account))


def add_segment(
    store: Store,
    name: str,
    rule: str,
    *,
    replace: bool = False,
    seed: int = 0,
    resolution: float = 1.0,
) -> SegmentInfo:
    """Store a segment: a named rule (``org:acme & title:cto``, ``tag:TAG``, ``file:PATH``,
    ``community:N``, ``all``; see the README), evaluated once before it is stored. A
    ``community:N`` clause is stored with ``seed`` and ``resolution`` (its size is None: it
    needs a partition to count).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> added = salon.add_segment(store, "gates", "tag:quantum-gate")
    >>> added.rule, added.people > 0
    ('tag:quantum-gate', True)
    """
    segment = _add_segment(store, name, rule, replace=replace, seed=seed, resolution=resolution)
    size = None if "community:" in rule else len(segment_members(store, segment))
    return SegmentInfo(segment.name, segment.rule, people=size)


def segments(store: Store) -> list[SegmentInfo]:
    """The stored segments by name, each with its size now, or the error its rule gives
    now (a file since moved): listing never fails on one broken rule.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_segment(store, "gates", "tag:quantum-gate")
    >>> [(s.name, s.error) for s in salon.segments(store)]
    [('gates', None)]
    """
    return [_listed(store, s) for s in list_segments(store)]


def _listed(store: Store, segment: Segment) -> SegmentInfo:
    if "community:" in segment.rule:
        return SegmentInfo(segment.name, segment.rule)
    try:
        return SegmentInfo(segment.name, segment.rule, people=len(segment_members(store, segment)))
    except SalonError as exc:
        return SegmentInfo(segment.name, segment.rule, error=str(exc))


def remove_segment(store: Store, name: str) -> Segment:
    """Delete the stored segment ``name`` (its people stay); returns it as it was.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_segment(store, "gates", "tag:quantum-gate")
    >>> salon.remove_segment(store, "gates").rule, salon.segments(store)
    ('tag:quantum-gate', [])
    """
    return _remove_segment(store, name)


def imports(store: Store) -> list[ImportRecord]:
    """The imports the store holds, oldest first: when, the paths given, the files read and
    the rows each added.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> [(i.id, i.added["posts"]) for i in salon.imports(store)]
    [(1, 5), (2, 1670)]
    """
    return [ImportRecord(**row) for row in list_imports(store)]


def remove_import(store: Store, import_id: int) -> RemovedImport:
    """Take one import back: delete exactly what it added, in one transaction (refused
    while a later import uses people it added).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> salon.remove_import(store, 2).removed["posts"]
    1670
    >>> [i.id for i in salon.imports(store)]
    [1]
    """
    return RemovedImport(import_id=import_id, removed=_remove_import(store, import_id))


def stats(store: Store) -> Stats:
    """Rows per table, and the history of your dated follower and following lists (for
    each snapshot, followers new since the previous one and lost).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> salon.stats(store).tables["posts"]
    1675
    """
    return Stats(tables=_stats(store), follow_history=[h.to_dict() for h in follow_history(store)])


def innovations(store: Store, *, limit: int = 30, min_adopters: int = 2) -> list[Innovation]:
    """What the store can date, most adopted first: first posts with a tag
    (``tag:NAME``), first activity on a platform or in a channel, first follows of an
    account, with how many adopted each and when.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> [(i.name, i.adopters) for i in salon.innovations(store, limit=2)][1]
    ('platform:quantumcomputing', 332)
    """
    return list_innovations(store, limit=limit, min_adopters=min_adopters)


def export(
    store: Store,
    directory: str | Path,
    *,
    progress: Callable[[str, int], None] | None = None,
    levels: Collection[str] | None = None,
) -> Export:
    """Write everything as JSON Lines, one ``<table>.jsonl`` a table (times as ISO 8601 UTC,
    provenance included); the files are 0600, a folder this creates 0700. Intelligence
    (accounts, stakeholders, notes) is marked with its confidentiality level on every row;
    ``levels`` (e.g. ``("public",)``, for an export to share) leaves out the rest of it.

    Examples
    --------
    >>> import salon, tempfile
    >>> store = salon.demo.sample_store()
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = salon.export(store, folder)
    >>> written.tables["posts"], written.rows > 1000
    (1675, True)
    """
    return Export(str(directory), export_all(store, directory, progress=progress, levels=levels))


def sources() -> list[Source]:
    """The importers, each with what it reads and the files it takes.

    Examples
    --------
    >>> import salon
    >>> [s.name for s in salon.sources()][:3]
    ['linkedin', 'x', 'mastodon']
    """
    from salon.importers import IMPORTERS

    return [Source(m.NAME, m.DESCRIPTION, m.FILES) for m in IMPORTERS]
