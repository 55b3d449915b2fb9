import gzip

from sqlalchemy import func, select

import salon
from salon.store.schema import interactions, people
from tests.conftest import ROOT

MBOX = ROOT / "tests" / "data" / "sample.mbox"


def test_headers_only_by_default(fresh_store):
    report = salon.import_paths(fresh_store, [MBOX])
    assert report.added["interactions"] == 2 + 1 + 2 + 1  # one per recipient
    with fresh_store.engine.connect() as c:
        assert c.execute(select(func.count()).where(interactions.c.body.is_not(None))).scalar() == 0
        subjects = set(c.execute(select(interactions.c.subject)).scalars())
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        # the owner (Delivered-To) was first seen as a recipient: merged into you
        mine = c.execute(select(func.count()).where(people.c.merged_into == me)).scalar()
    assert "Dinner in Lisbon next week?" in subjects  # folded header unfolded
    assert mine == 1


def test_bodies_on_request(fresh_store):
    salon.import_paths(fresh_store, [MBOX], options=salon.ImportOptions(bodies=True))
    with fresh_store.engine.connect() as c:
        bodies = {b.strip() for b in c.execute(select(interactions.c.body)).scalars()}
    assert "Yes, Thursday works." in bodies


def test_malformed_date_keeps_the_message(fresh_store):
    salon.import_paths(fresh_store, [MBOX])
    with fresh_store.engine.connect() as c:
        undated = c.execute(select(func.count()).where(interactions.c.at.is_(None))).scalar()
    assert undated == 2  # "Intro: Ana <> Chen" has "Date: sometime next week", two recipients


def test_gzipped_mbox(fresh_store, tmp_path):
    packed = tmp_path / "All mail.mbox.gz"
    packed.write_bytes(gzip.compress(MBOX.read_bytes()))
    assert salon.import_paths(fresh_store, [packed]).added["interactions"] == 6
