"""Who an export belongs to, and the cannot-link rule at write time."""

from sqlalchemy import func, select

import salon
from salon.importers.base import ImportOptions
from salon.store.schema import identities, people, snapshots
from tests.conftest import data_counts, run_cli, shared

LARS = "exports/twitter_archive_larsbrinkhoff"
SIMON = "exports/twitter_archive_dogsheep_fixtures"
CARS = "exports/bluesky_car_indigo"


def _your_keys(store) -> set[tuple[str, str, str]]:
    with store.engine.connect() as c:
        you = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        members = select(people.c.id).where((people.c.id == you) | (people.c.merged_into == you))
        rows = c.execute(
            select(identities.c.platform, identities.c.kind, identities.c.value).where(
                identities.c.person_id.in_(members)
            )
        )
        return set(rows.all())


def test_another_accounts_archive_is_theirs(fresh_store):
    salon.import_paths(fresh_store, [shared(LARS)])
    report = salon.import_paths(fresh_store, [shared(SIMON)])
    assert [(o["name"], o["yours"]) for o in report.owners] == [("Simon Willison", False)]
    assert any("salon me --is" in w for w in report.warnings)
    assert {k for k in _your_keys(fresh_store) if k[0] == "x"} == {
        ("x", "id", "3128746474"),
        ("x", "handle", "larsbrinkhoff"),
    }
    with fresh_store.engine.connect() as c:
        simon = c.execute(
            select(identities.c.person_id).where(identities.c.value == "simonw")
        ).scalar_one()
        owners = dict(
            c.execute(
                select(snapshots.c.owner_id, func.count()).group_by(snapshots.c.owner_id)
            ).all()
        )
    # Simon's follower list is his history, not yours.
    assert owners[simon] == 2  # his followers and following, once each
    assert sum(owners.values()) == 8 + 2


def test_mine_makes_the_owner_you(fresh_store):
    salon.import_paths(fresh_store, [shared(LARS)])
    report = salon.import_paths(fresh_store, [shared(SIMON)], options=ImportOptions(mine=True))
    assert report.owners[0]["yours"] is True
    assert ("x", "handle", "simonw") in _your_keys(fresh_store)


def test_me_is_claims_an_account_and_reimport_adds_nothing(tmp_path):
    db = tmp_path / "s.db"
    assert run_cli("import", str(shared(LARS)), db=db).returncode == 0
    assert run_cli("import", str(shared(SIMON)), db=db).returncode == 0
    said = run_cli("me", "--is", "@simonw", db=db)
    assert said.returncode == 0, said.stderr
    assert "is now part of you" in said.stdout
    with salon.open_store(str(db)) as store:
        assert ("x", "handle", "simonw") in _your_keys(store)
        before = data_counts(store)
        again = salon.import_paths(store, [shared(SIMON), shared(LARS)])
        assert again.import_id is None
        assert data_counts(store) == before


def test_each_repository_has_its_owner(fresh_store):
    report = salon.import_paths(fresh_store, sorted(shared(CARS).glob("*.car")))
    assert [o["yours"] for o in report.owners] == [True, False, False, False]
    with fresh_store.engine.connect() as c:
        dids = c.execute(
            select(func.count()).where(
                identities.c.platform == "bluesky",
                identities.c.person_id.in_(select(people.c.id).where(people.c.is_self)),
            )
        ).scalar_one()
    assert dids == 1


def test_a_shared_number_does_not_join_two_colleagues(fresh_store, tmp_path):
    cards = tmp_path / "office.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nEMAIL:ana@acme.example\r\n"
        "TEL:+1 555 0100 200\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Lind\r\nEMAIL:bo@acme.example\r\n"
        "TEL:+1 555 0100 200\r\nEND:VCARD\r\n"
    )
    salon.import_paths(fresh_store, [cards])
    with fresh_store.engine.connect() as c:
        holders = c.execute(
            select(identities.c.value, identities.c.person_id).where(identities.c.kind == "email")
        ).all()
    assert len({pid for _, pid in holders}) == 2  # two addresses at acme: two people
