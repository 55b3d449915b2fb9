import io
import tarfile
from collections import Counter

from sqlalchemy import func, select

import salon
from salon.importers.mastodon import handle_of
from salon.store.schema import interactions, posts, ties
from tests.conftest import ROOT, shared

ARCHIVE = "exports/mastodon_archive_dealingwith"


def _kinds(store) -> Counter:
    with store.engine.connect() as c:
        return Counter(
            dict(
                c.execute(
                    select(interactions.c.kind, func.count()).group_by(interactions.c.kind)
                ).all()
            )
        )


def test_archive_folder(fresh_store):
    report = salon.import_paths(fresh_store, [shared(ARCHIVE)])
    records = {f.file.rsplit("/", 1)[-1]: f.records for f in report.files}
    assert set(records) == {"actor.json", "outbox.json", "likes.json", "bookmarks.json"}
    kinds = _kinds(fresh_store)
    assert kinds["repost"] == 326  # the Announce activities
    assert kinds["reply"] > 0 and kinds["mention"] > 0
    assert kinds["like"] == 1115 and kinds["bookmark"] == 865
    with fresh_store.engine.connect() as c:
        own = c.execute(
            select(func.count()).where(posts.c.author_id == 1, posts.c.repost_of.is_(None))
        ).scalar()
        tagged = c.execute(select(func.count()).where(posts.c.tags.is_not(None))).scalar()
    assert own == 1260  # one post per Create/Note
    assert tagged > 0


def test_tar_gz_reads_like_the_folder(fresh_store, tmp_path):
    archive = tmp_path / "archive-20240723.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for f in shared(ARCHIVE).glob("*.json"):
            tar.add(f, arcname=f.name)
        image = b"\xff\xd8" + b"0" * 100
        info = tarfile.TarInfo("media_attachments/files/1/original/a.jpg")
        info.size = len(image)
        tar.addfile(info, io.BytesIO(image))
    report = salon.import_paths(fresh_store, [archive])
    assert report.added["posts"] > 1260
    assert not report.warnings  # the media file is neither read nor reported


def test_follow_csvs(fresh_store):
    report = salon.import_paths(
        fresh_store, [ROOT / "tests/data/following_accounts.csv", ROOT / "tests/data/lists.csv"]
    )
    assert report.added["ties"] == 3 + 2
    with fresh_store.engine.connect() as c:
        assert Counter(c.execute(select(ties.c.kind)).scalars()) == {"follow": 3, "list": 2}


def test_handles():
    assert handle_of("https://indieweb.social/users/dealingwith") == "dealingwith@indieweb.social"
    assert handle_of("https://fosstodon.org/@ana/1234") == "ana@fosstodon.org"
    assert handle_of("https://example.org/blog") is None
