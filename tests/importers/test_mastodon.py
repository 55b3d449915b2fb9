import io
import json
import re
import tarfile
from collections import Counter

import pytest
from sqlalchemy import func, select

import salon
from salon.importers import mastodon
from salon.importers.base import ImportOptions
from salon.importers.files import input_files
from salon.importers.mastodon import handle_of
from salon.model import Interaction, Person, Post
from salon.store.schema import interactions, people, posts, ties
from tests.conftest import ROOT, data_counts, shared

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
    assert kinds["repost"] == 326 - 6  # the Announce activities, less 6 of the owner's own posts
    replies, mentions, _ = _notes_by_hand()
    assert (kinds["reply"], kinds["mention"]) == (replies, mentions) == (191, 137)
    assert kinds["like"] == 1115 and kinds["bookmark"] == 865 - 2  # 2 of the owner's posts
    with fresh_store.engine.connect() as c:
        own = c.execute(
            select(func.count()).where(posts.c.author_id == 1, posts.c.repost_of.is_(None))
        ).scalar()
        tagged = c.execute(select(func.count()).where(posts.c.tags.is_not(None))).scalar()
    assert own == 1260  # one post per Create/Note
    assert tagged == 89  # every note with hashtags, the one the owner boosted too


def test_own_posts_the_owner_boosted_keep_their_text_and_tags(fresh_store):
    salon.import_paths(fresh_store, [shared(ARCHIVE)])
    _, _, tagged_by_hand = _notes_by_hand()
    with fresh_store.engine.connect() as c:
        own = posts.c.author_id == 1, posts.c.repost_of.is_(None)
        untimed = c.execute(select(func.count()).where(*own, posts.c.at.is_(None))).scalar()
        tagged = c.execute(select(func.count()).where(*own, posts.c.tags.is_not(None))).scalar()
    assert (untimed, tagged) == (0, tagged_by_hand)


def _notes_by_hand() -> tuple[int, int, int]:
    """outbox.json read with plain Python: replies to a post whose URL names its author
    (/users/NAME) other than the owner; mentions of anyone but the owner and the person
    replied to; notes with a hashtag."""
    folder = shared(ARCHIVE)
    owner = json.loads((folder / "actor.json").read_text())["id"]
    author = re.compile(r"https?://[^/]+/users/[^/]+")
    replies = mentions = tagged = 0
    for activity in json.loads((folder / "outbox.json").read_text())["orderedItems"]:
        note = activity["object"]
        if activity["type"] != "Create" or not isinstance(note, dict):
            continue
        tags = note.get("tag") or []
        tagged += any(t["type"] == "Hashtag" for t in tags)
        parent = author.match(note.get("inReplyTo") or "")
        replied = parent[0] if parent and parent[0] != owner else None
        replies += replied is not None
        for tag in tags:
            if tag["type"] == "Mention" and tag["href"] not in (owner, replied):
                mentions += 1
    return replies, mentions, tagged


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


# -- hand-written archives: the same history in the 3.x and the 4.4+ layout ------------------

LAYOUTS = {
    "3.x": (ROOT / "tests/data/mastodon_3x", "social.example/users/ana"),
    "4.4": (ROOT / "tests/data/mastodon_44", "social.example/ap/users/110000000000000001"),
}


def _parsed(path):
    files = [f for f in input_files(path) if mastodon.detect(f)]
    return [record for file in files for record in mastodon.parse(file, ImportOptions())]


def _refs(record):
    if isinstance(record, Person):
        return [record.ref]
    return [record.author] if isinstance(record, Post) else [record.src, record.dst]


def _is_me(ref) -> bool:
    return ref is not None and ref.is_self


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_both_layouts_count_the_same(fresh_store, layout):
    folder, actor = LAYOUTS[layout]
    records = _parsed(folder)
    acts = [r for r in records if isinstance(r, Interaction)]
    assert Counter(a.kind for a in acts) == {
        "mention": 2,  # bo in 101, cy in 105 (not the self-mention, not bo and cy replied to)
        "reply": 2,  # to bo and to cy; 102 replies to the owner's own 101
        "repost": 1,  # bo's status; the boost of the owner's own 101 is no interaction
        "like": 1,  # bo's status; the like of the owner's own 102 is no interaction
        "bookmark": 1,
    }
    assert all(_is_me(a.src) and not _is_me(a.dst) for a in acts)
    by_key = {r.key: r for r in records if isinstance(r, Post)}
    own = f"https://{actor}/statuses/"
    assert by_key[own + "102"].reply_to == own + "101"
    assert _is_me(by_key[own + "102"].author) and _is_me(by_key[own + "101"].author)
    cy = next(a.dst for a in acts if a.kind == "reply" and "new.example" in str(a.dst))
    assert cy.keys == (
        ("mastodon", "handle", "cy@new.example"),
        ("", "url", "new.example/ap/users/42"),
    )
    report = salon.import_paths(fresh_store, [folder])
    assert report.added["posts"] == 10  # 5 notes, 2 boosts, bo's 2 statuses, cy's status
    assert report.added["interactions"] == 7
    assert report.added["people"] == 3  # ana, bo, cy (cy's bookmark found by actor URL)
    with fresh_store.engine.connect() as c:
        loops = select(func.count()).where(interactions.c.src_id == interactions.c.dst_id)
        assert c.execute(loops).scalar() == 0
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        assert c.execute(select(func.count()).where(posts.c.author_id == me)).scalar() == 7


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_first_owner_record_carries_the_keys(layout):
    folder, actor = LAYOUTS[layout]
    for name in ("actor.json", "outbox.json", "likes.json"):
        first = next(ref for r in _parsed(folder / name) for ref in _refs(r) if _is_me(ref))
        assert first.keys[:3] == (
            ("mastodon", "handle", "ana@social.example"),
            ("", "url", actor),
            ("", "url", "social.example/@ana"),
        ), name
    assert isinstance(_parsed(folder)[0], Person)


def test_outbox_without_actor_knows_its_owner_by_the_activities(tmp_path):
    outbox = tmp_path / "outbox.json"
    outbox.write_bytes((LAYOUTS["4.4"][0] / "outbox.json").read_bytes())
    records = _parsed(outbox)
    assert records[0].author.keys == (("", "url", LAYOUTS["4.4"][1]),)
    kinds = Counter(r.kind for r in records if isinstance(r, Interaction))
    assert kinds == {"mention": 2, "reply": 2, "repost": 1}


def test_44_archive_as_tar_gz(fresh_store, tmp_path):
    archive = tmp_path / "archive-20250801.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for f in sorted(LAYOUTS["4.4"][0].glob("*.json")):
            tar.add(f, arcname=f.name)
    report = salon.import_paths(fresh_store, [archive])
    assert (report.added["posts"], report.added["interactions"]) == (10, 7)


def test_real_archive_has_no_self_interactions(fresh_store):
    salon.import_paths(fresh_store, [shared(ARCHIVE)])
    with fresh_store.engine.connect() as c:
        loops = select(func.count()).where(interactions.c.src_id == interactions.c.dst_id)
        assert c.execute(loops).scalar() == 0
        replies = select(func.count()).where(interactions.c.kind == "reply")
        assert c.execute(replies).scalar() == 420 - 229  # 229 replies to the owner's own posts


# Follow lists without the header row: Mastodon before 2.8 wrote only the addresses, and
# Pleroma, Akkoma and Friendica still do (their exports are "compatible with Mastodon's"):
# one ``user@instance`` a line, which Mastodon's own import accepts.
@pytest.mark.parametrize(
    "text",
    [
        "ana@fosstodon.org\nbo@mastodon.social\n@cy@hachyderm.io\n",
        "\ufeffana@fosstodon.org,true,false,\r\nbo@mastodon.social,true,false,en\r\n"
        "cy@hachyderm.io,false,false,\r\n",
    ],
)
def test_follow_list_without_a_header(fresh_store, tmp_path, text):
    path = tmp_path / "following_accounts.csv"
    path.write_text(text)
    report = salon.import_paths(fresh_store, [path])
    assert report.added["ties"] == 3
    assert salon.import_paths(fresh_store, [path], options=ImportOptions(force=True)).added == {
        k: 0 for k in report.added
    }


def test_a_follow_row_without_an_address_names_its_line(fresh_store, tmp_path):
    path = tmp_path / "following_accounts.csv"
    path.write_text("Account address,Show boosts\nana@fosstodon.org,true\njust-a-name,true\n")
    with pytest.raises(salon.ExportFormatError, match=r"line 3: no account address") as error:
        salon.import_paths(fresh_store, [path])
    assert str(path) in str(error.value)
    assert not any(data_counts(fresh_store).values())


def test_outbox_boosts_of_embedded_statuses_and_creates_of_urls(fresh_store, tmp_path):
    """An Announce whose object is the status itself (not its URL) is a boost of that status;
    a Create whose object is only a URL is a post of yours without text; what names no
    status, or is neither Create nor Announce, is counted in the warnings, not dropped."""
    folder = tmp_path / "archive"
    folder.mkdir()
    actor = json.loads((LAYOUTS["4.4"][0] / "actor.json").read_text())
    (folder / "actor.json").write_text(json.dumps(actor))
    me = actor["id"]
    bo = "https://other.example/users/bo/statuses/7"
    items = [
        {
            "id": f"{me}/statuses/201/activity",
            "type": "Announce",
            "actor": me,
            "published": "2024-02-01T10:00:00Z",
            "object": {"id": bo, "type": "Note", "attributedTo": "https://other.example/users/bo"},
        },
        {
            "id": f"{me}/statuses/202/activity",
            "type": "Create",
            "actor": me,
            "published": "2024-02-02T10:00:00Z",
            "object": f"{me}/statuses/202",
        },
        {"type": "Announce", "actor": me, "published": "2024-02-03T10:00:00Z", "object": {}},
        {"type": "Like", "actor": me, "published": "2024-02-04T10:00:00Z", "object": bo},
        {"type": "Like", "actor": me, "published": "2024-02-05T10:00:00Z", "object": bo},
    ]
    (folder / "outbox.json").write_text(
        json.dumps({"type": "OrderedCollection", "orderedItems": items})
    )
    records = _parsed(folder / "outbox.json")
    reposts = [r for r in records if isinstance(r, Interaction)]
    assert [(r.kind, r.dst.keys, r.ref) for r in reposts] == [
        ("repost", (("mastodon", "handle", "bo@other.example"),), bo)
    ]
    created = [r for r in records if isinstance(r, Post) and r.key == f"{me}/statuses/202"]
    assert [(r.author.is_self, r.text, r.at) for r in created] == [(True, None, 1706868000)]
    report = salon.import_paths(fresh_store, [folder])
    unread = [w for w in report.warnings if "not read" in w]
    assert unread == [
        f"'{folder / 'outbox.json'}': 1 activity Announce naming no status (record 3) was not "
        "read.",
        f"'{folder / 'outbox.json'}': 2 activities of type 'Like' (record 4, 5) were not read.",
    ]
