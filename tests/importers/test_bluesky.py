import pytest
from sqlalchemy import func, select

import salon
from salon.store.schema import interactions, people, ties
from tests.conftest import shared

CARS = "exports/bluesky_car_indigo"


@pytest.mark.parametrize(
    ("name", "posts", "follows", "likes", "reposts"),
    [
        # Records in each repository's current tree (older blocks in the CAR are not records).
        ("paul_staging.repo.car", 101, 8, 60, 15),
        ("fakermaker.repo.car", 26, 78, 22, 15),
        ("bnewbold.robocracy.org.20250310005405.car", 23, 3, 2, 1),
        ("greenground.repo.car", 0, 2, 0, 0),
    ],
)
def test_repositories(fresh_store, name, posts, follows, likes, reposts):
    report = salon.import_paths(fresh_store, [shared(CARS) / name])
    assert report.files[0].importer == "bluesky"
    with fresh_store.engine.connect() as c:
        kinds = dict(
            c.execute(select(interactions.c.kind, func.count()).group_by(interactions.c.kind)).all()
        )
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        follows_out = c.execute(select(func.count()).where(ties.c.src_id == me)).scalar()
    assert follows_out == follows
    assert kinds.get("like", 0) == likes
    assert kinds.get("repost", 0) == reposts
    assert report.added["posts"] >= posts


def test_profile_names_the_owner(fresh_store):
    salon.import_paths(fresh_store, [shared(CARS) / "paul_staging.repo.car"])
    with fresh_store.engine.connect() as c:
        assert c.execute(select(people.c.name).where(people.c.is_self)).scalar() == "Paul"


def test_car_that_is_not_a_repository(fresh_store, tmp_path):
    import libipld

    not_repo = tmp_path / "blocks.car"
    data = (shared(CARS) / "greenground.repo.car").read_bytes()
    header, _ = libipld.decode_car(data)
    # A CAR whose root block is missing: valid framing, no repository commit.
    truncated = data[: len(data) // 3]
    not_repo.write_bytes(truncated)
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [not_repo])
    assert str(error.value).startswith(f"Could not read '{not_repo}': ")
    assert str(error.value).endswith("Export the repository again from Bluesky's settings.")
    assert header["version"] == 1
