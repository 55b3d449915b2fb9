import pytest
from sqlalchemy import event, select

import salon
from salon.errors import SalonError
from salon.store.profiles import person_profile, resolve_person
from salon.store.schema import people, ties
from salon.store.segments import segment_members, segment_rule


@pytest.fixture
def store():
    return salon.demo.sample_store()


def _named_tie(store) -> tuple[int, int, int]:
    """A tie between two people who are not merged, and a third named person to merge into."""
    with store.engine.connect() as c:
        src, dst = c.execute(
            select(ties.c.src_id, ties.c.dst_id)
            .join(people, people.c.id == ties.c.dst_id)
            .where(people.c.merged_into.is_(None), people.c.name.is_not(None))
            .order_by(ties.c.id)
        ).first()
        keep = c.execute(
            select(people.c.id)
            .where(
                people.c.merged_into.is_(None),
                people.c.name.is_not(None),
                people.c.id.not_in([src, dst]),
                ~people.c.is_self,
            )
            .order_by(people.c.id)
        ).scalar()
    return src, dst, keep


def test_a_tie_names_the_person_kept_when_the_other_is_merged(store):
    src, dst, keep = _named_tie(store)
    before = person_profile(store, str(src))
    (tie,) = [t for t in before["ties"] if t["with_id"] == dst]
    salon.merge(store, keep, dst)
    with store.engine.connect() as c:
        kept_name = c.execute(select(people.c.name).where(people.c.id == keep)).scalar()
    after = person_profile(store, str(src))
    (tie,) = [t for t in after["ties"] if t["with_id"] == keep and t["line"] == tie["line"]]
    assert tie["with"] == kept_name and tie["direction"] == "out"


def test_a_merged_person_is_their_group(store):
    src, dst, keep = _named_tie(store)
    salon.merge(store, keep, dst)
    with store.engine.connect() as c:
        assert resolve_person(c, str(dst)) == keep
    profile = person_profile(store, str(dst))
    assert profile["id"] == keep and profile["merged_people"] == [dst]
    assert {i["person"] for i in profile["identities"]} >= {dst}
    assert any(t["direction"] == "in" and t["with_id"] == src for t in profile["ties"])
    assert [m["merged"] for m in profile["merges"] if not m["undone"]][-1] == dst
    salon.unmerge(store, dst)
    assert person_profile(store, str(dst))["merged_people"] == []


def test_a_missing_person_is_a_clear_error(store):
    with pytest.raises(SalonError, match="No person 99999999"):
        person_profile(store, "99999999")


def test_a_profile_costs_a_fixed_number_of_statements(store):
    """One statement a section, whatever the number of ties or rows (no query per row)."""
    src, dst, keep = _named_tie(store)
    salon.merge(store, keep, dst)
    seen: list[str] = []
    listen = event.listens_for(store.engine, "before_cursor_execute")

    @listen
    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    for who in (src, dst):
        seen.clear()
        profile = person_profile(store, str(who))
        assert profile["ties"]
        assert len(seen) <= 11, seen
    event.remove(store.engine, "before_cursor_execute", count)


VCARD = """BEGIN:VCARD
VERSION:3.0
FN:PHẠM ĐỨC THỊNH
ORG:SOCIÉTÉ GÉNÉRALE
TITLE:DIRECTEUR GÉNÉRAL
ADR:;;;ÉVRY;;;FRANCE
EMAIL:thinh@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:İlker Yılmaz
EMAIL:ilker@example.com
END:VCARD
"""


def test_names_and_rules_match_whatever_the_script(any_store, tmp_path):
    """SQLite's lower() changes only ASCII letters: 'phạm đức thịnh' did not find 'PHẠM ĐỨC
    THỊNH', nor org:société the people of 'SOCIÉTÉ GÉNÉRALE'."""
    card = tmp_path / "card.vcf"
    card.write_text(VCARD, encoding="utf-8")
    salon.import_paths(any_store, [card])
    with any_store.engine.connect() as c:
        pid = resolve_person(c, "phạm đức thịnh")  # exact, another case
        assert resolve_person(c, "Đức Thịnh") == pid  # partial
        # Python lowers İ to two code points, PostgreSQL to one: both sides fold alike.
        assert resolve_person(c, "İlker Yılmaz") != pid
    assert [p.id for p in salon.people(any_store, query="đức")] == [pid]
    for rule in ("org:société", "title:général", "location:évry"):
        assert segment_members(any_store, segment_rule(any_store, rule)) == {pid}, rule
