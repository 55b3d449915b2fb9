"""The writer's people half: every :class:`~salon.model.PersonRef` to a person id.

Rules (DESIGN.md, "Rules that keep answers right"):

- **Strong keys** (an e-mail, a phone, a profile URL, a platform id or handle) name a person:
  the first one already known is that person, and the ref's other unknown strong keys become
  theirs. A ref whose strong keys are all new is a new person.
- **Names are weak**: a ref with only a name key (LinkedIn's 2018 messages, a calendar attendee
  with no address) resolves to a placeholder person held by that name key; after the import,
  :func:`salon.store.names.link_names` merges a placeholder into the one known person who
  carries the name, and leaves it alone when several do. A name never joins strong keys.
- **A ref with no key at all** is still a record: it is keyed by what it has (its name, else
  the file and line it came from), so a re-import finds it again.
- **The export's owner** (``is_self`` refs) is decided once per export: the first export's
  owner becomes "you"; a later export's owner is you only when one of its strong keys is
  already yours, when it names none, or when the user says so (``--mine``); otherwise it is
  imported as that person's own export and the import report says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, update

from salon.model import (
    Affiliation,
    IdentityKey,
    Interaction,
    Meeting,
    Person,
    PersonRef,
    Post,
    Record,
    Snapshot,
    Tie,
    account_slot,
    identity,
    is_weak,
)
from salon.store.bulk import bulk_insert
from salon.store.merges import canonical, merge_in
from salon.store.schema import identities, people

PROVENANCE = ("import_id", "file_id", "line")
PEOPLE = ("id", "name", "headline", "location", "is_self", *PROVENANCE)
IDENTITIES = ("id", "person_id", "platform", "kind", "value", *PROVENANCE)
SELF_TEXT = "@self"


def stable_keys(ref: PersonRef, file_id: int, line: int) -> tuple[IdentityKey, ...]:
    """A ref's keys; a ref without any is keyed by its name, else by where it was read."""
    if ref.keys or ref.is_self:
        return ref.keys
    if ref.name and ref.name.strip():
        return (identity("", "name", ref.name),)
    return (("", "record", f"{file_id}:{line}"),)


class PeopleMixin:
    """Identity resolution for :class:`~salon.store.writer.Writer` (see the module's rules)."""

    connection: Connection
    import_id: int
    identity_of: dict[IdentityKey, int]
    loaded_platforms: set[str]
    warnings: list[str]
    _allocate: Callable[..., int]

    def _init_people(self, *, mine: bool) -> None:
        self.mine = mine
        self.merged = 0
        self.owners: list[dict[str, Any]] = []
        self._you: int | None = None
        self._you_loaded = False
        self._slots_of: dict[int, dict[str, set[str]]] = {}
        self.begin_export("")

    def begin_export(self, label: str) -> None:
        """Records from here on come from the export ``label``: its owner is decided anew."""
        self.export_label = label
        self.owner: int | None = None
        self.owner_yours = False
        self.owner_text = SELF_TEXT

    # -- keys in row digests ------------------------------------------------------------------

    def ref_text(self, ref: PersonRef | None, file_id: int, line: int) -> str:
        """The stable text of a ref in row keys: the export owner's, or its strongest key."""
        if ref is None:
            return ""
        if ref.is_self:
            return self.owner_text
        return ":".join(stable_keys(ref, file_id, line)[0])

    # -- loading --------------------------------------------------------------------------------

    def _load_platforms(self, platforms: set[str]) -> None:
        wanted = platforms - self.loaded_platforms
        if not wanted:
            return
        query = select(
            identities.c.platform, identities.c.kind, identities.c.value, identities.c.person_id
        ).where(identities.c.platform.in_(sorted(wanted)))
        for platform, kind, value, person_id in self.connection.execute(query):
            self.identity_of[(platform, kind, value)] = person_id
        self.loaded_platforms |= wanted

    def _load_identities(self, batch: list[tuple[Record, int]]) -> None:
        platforms = {
            key[0] for record, _ in batch for ref in record_refs(record) for key in ref.keys
        }
        self._load_platforms(platforms | {""})

    def _stored_you(self) -> int | None:
        if not self._you_loaded:
            self._you = self.connection.execute(
                select(people.c.id).where(people.c.is_self, people.c.merged_into.is_(None))
            ).scalar()
            self._you_loaded = True
        return self._you

    # -- resolving ----------------------------------------------------------------------------

    def _new_person(self, name: str | None, file_id: int, line: int, *, is_self: bool) -> int:
        pid = self._allocate(people)
        self._new_people.append((pid, name, None, None, is_self, self.import_id, file_id, line))
        return pid

    def _claim(self, key: IdentityKey, pid: int, file_id: int, line: int) -> None:
        self.identity_of[key] = pid
        if pid in self._slots_of and (slot := _slot(key)):
            self._slots_of[pid][slot].add(key[2])
        row = (self._allocate(identities), pid, *key, self.import_id, file_id, line)
        self._new_identities.append(row)

    def _resolve(self, batch: list[tuple[Record, int]]) -> Callable[[PersonRef], int]:
        """Resolve every ref of the batch, creating people and identities as needed."""
        self._new_people: list[tuple[Any, ...]] = []
        self._new_identities: list[tuple[Any, ...]] = []
        self._self_conflicts: list[tuple[int, IdentityKey]] = []
        names: dict[int, dict[str, Any]] = {}
        resolved: dict[PersonRef, int] = {}
        for record, file_id in batch:
            for ref in record_refs(record):
                if ref not in resolved:
                    if ref.is_self:
                        resolved[ref] = self._owner_of(ref, file_id, record.line)
                    else:
                        resolved[ref] = self._person_of(ref, file_id, record.line, names)
        bulk_insert(self.connection, people, PEOPLE, self._new_people)
        bulk_insert(self.connection, identities, IDENTITIES, self._new_identities)
        self._merge_into_you()
        if self.owner is not None:
            names.pop(self.owner, None)
        self._fill_people(names)
        return resolved.__getitem__

    def _person_of(
        self, ref: PersonRef, file_id: int, line: int, names: dict[int, dict[str, Any]]
    ) -> int:
        keys = stable_keys(ref, file_id, line)
        known = self.identity_of
        strong = [k for k in keys if not is_weak(k)]
        # A name links only a ref that has nothing stronger; it is never a strong person's key.
        used = strong or keys[:1]
        new = [k for k in used if k not in known]
        pid = next(
            (
                p
                for p in dict.fromkeys(known[k] for k in used if k in known)
                if not new or not self._contradicts(p, new)
            ),
            None,
        )
        if pid is None:
            pid = self._new_person(ref.name, file_id, line, is_self=False)
        elif ref.name:
            names.setdefault(pid, {"name": ref.name})
        for key in new:
            self._claim(key, pid, file_id, line)
        return pid

    def _slots(self, pid: int) -> dict[str, set[str]]:
        """The account slots a person holds (loaded once per person, kept up to date)."""
        held = self._slots_of.get(pid)
        if held is None:
            held = self._slots_of[pid] = defaultdict(set)
            rows = self.connection.execute(
                select(identities.c.platform, identities.c.kind, identities.c.value).where(
                    identities.c.person_id == pid
                )
            )
            pending = [tuple(r[2:5]) for r in self._new_identities if r[1] == pid]
            for key in [*map(tuple, rows), *pending]:
                if slot := _slot(key):
                    held[slot].add(key[2])
        return held

    def _contradicts(self, pid: int, keys: list[IdentityKey]) -> bool:
        """Whether ``keys`` put a second account in one of ``pid``'s slots (cannot-link):
        a record sharing a switchboard number with someone is not them when its e-mail at
        the same company differs."""
        held = self._slots(pid)
        return any(
            (slot := _slot(k)) is not None and held.get(slot) and k[2] not in held[slot]
            for k in keys
        )

    def _owner_of(self, ref: PersonRef, file_id: int, line: int) -> int:
        strong = [k for k in ref.keys if not is_weak(k)]
        if self.owner is None:
            self._decide_owner(ref, strong, file_id, line)
        owner = self.owner
        assert owner is not None
        for key in strong:
            holder = self.identity_of.get(key)
            if holder is None:
                self._claim(key, owner, file_id, line)
            elif holder != owner and self.owner_yours:
                # The owner's own key named someone: that someone was you all along.
                self._self_conflicts.append((holder, key))
        return owner

    def _decide_owner(
        self, ref: PersonRef, strong: list[IdentityKey], file_id: int, line: int
    ) -> None:
        you = self._stored_you()
        held = [(k, self.identity_of[k]) for k in strong if k in self.identity_of]
        if you is None:
            you = self._you = self._new_person(ref.name, file_id, line, is_self=True)
            self._you_loaded = True
            owner, yours, why = you, True, "the store's first owner"
        elif not strong:
            owner, yours, why = you, True, "the export names no account"
        elif held:
            # Rows stay with the person who first held the account, merged into you or not.
            owner = held[0][1]
            yours = canonical(self.connection, owner) == you
            why = "an account of yours" if yours else "someone else's account"
            if not yours and self.mine:
                yours, why = True, "--mine"
                self._self_conflicts.append((owner, held[0][0]))  # (person, key)
        elif self.mine:
            owner, yours, why = you, True, "--mine"
        else:
            owner = self._new_person(ref.name, file_id, line, is_self=False)
            yours, why = False, "new account"
        self.owner, self.owner_yours = owner, yours
        if owner != you:
            self.owner_text = "@owner:" + ":".join(strong[0])
        label = ref.name or (":".join(strong[0][1:]) if strong else None)
        self.owners.append(
            {
                "export": self.export_label,
                "person": you if yours else owner,
                "name": label,
                "yours": yours,
                "why": why,
            }
        )
        if not yours:
            shown = strong[0][2]
            self.warnings.append(
                f"'{self.export_label}' is the export of {label or shown} (person {owner}), "
                f"not yours: imported as theirs. If it is yours, run 'salon me --is {shown}'."
            )

    def _merge_into_you(self) -> None:
        you = self._you
        for other, key in self._self_conflicts:
            if you is not None and canonical(self.connection, other) != you:
                merge_in(
                    self.connection,
                    you,
                    other,
                    reason="self",
                    evidence={"identity": ":".join(key)},
                    import_id=self.import_id,
                )
                self.merged += 1

    def _fill_people(self, values: dict[int, dict[str, Any]]) -> None:
        """Set people's missing name, headline or location (never overwrite)."""
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for pid, fields in values.items():
            fields = {k: v for k, v in fields.items() if v}
            if fields:
                by_columns[tuple(sorted(fields))].append({"pid": pid, **fields})
        for columns, rows in by_columns.items():
            stmt = (
                update(people)
                .where(people.c.id == bindparam("pid"))
                .values({c: func.coalesce(people.c[c], bindparam(c)) for c in columns})
            )
            self.connection.execute(stmt, rows)


def _slot(key: IdentityKey) -> str | None:
    """A key's account slot; an e-mail's is its domain (two addresses at one domain, two
    people, as in :func:`salon.identity._veto`)."""
    if key[1] == "email" and "@" in key[2]:
        return "email@" + key[2].rsplit("@", 1)[1]
    return account_slot(key)


def record_refs(record: Record) -> Iterable[PersonRef]:
    """The people a record names."""
    if isinstance(record, Interaction):
        return (record.src,) if record.dst is None else (record.src, record.dst)
    if isinstance(record, Tie):
        return (record.src, record.dst)
    if isinstance(record, Person):
        return (record.ref,)
    if isinstance(record, Affiliation):
        return (record.person,)
    if isinstance(record, Post):
        return () if record.author is None else (record.author,)
    if isinstance(record, Snapshot):
        return (record.owner,)
    if isinstance(record, Meeting):
        refs = [ref for ref, _ in record.attendees]
        return refs if record.organizer is None else [record.organizer, *refs]
    return ()


def allocate_ids(connection: Connection, tables: Iterable[Table]) -> dict[str, int]:
    """The next free id of each table (one import writes a store at a time), never one a
    removed import's rows had (:func:`salon.store.meta.next_ids`)."""
    from salon.store.meta import next_ids

    return next_ids(connection, tables)
