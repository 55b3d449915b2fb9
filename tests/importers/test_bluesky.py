import hashlib
import json
from collections import Counter
from pathlib import Path

import libipld
import pytest
from sqlalchemy import func, select

import salon
from salon.importers import bluesky
from salon.importers.base import ImportOptions
from salon.importers.files import input_files
from salon.model import Interaction, Post, Tie
from salon.store.schema import interactions, people, ties
from tests.conftest import ROOT, shared

CARS = "exports/bluesky_car_indigo"


@pytest.mark.parametrize(
    ("name", "posts", "follows", "likes", "reposts"),
    [
        # Records in each repository's current tree (older blocks in the CAR are not records);
        # likes and reposts of the owner's own posts are none (22 likes, 8 reposts of Paul's).
        ("paul_staging.repo.car", 101, 8, 60 - 22, 15 - 8),
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


# -- a hand-written repository: self-replies, self-quotes, self-mentions, no profile ---------

ANA = "did:plc:anaexample234567abcdefgh"


def _cid(block: bytes) -> bytes:
    return b"\x01\x71\x12\x20" + hashlib.sha256(block).digest()  # CIDv1, dag-cbor, sha2-256


def _varint(n: int) -> bytes:
    out = b""
    while n >= 0x80:
        out += bytes([n & 0x7F | 0x80])
        n >>= 7
    return out + bytes([n])


def _car(tmp_path: Path) -> Path:
    """tests/data/bluesky_repo.json as a repository export: records, one tree node, a commit."""
    spec = json.loads((ROOT / "tests/data/bluesky_repo.json").read_text())
    blocks = [libipld.encode_dag_cbor(record) for _, record in spec["records"]]
    entries = [
        {"k": path.encode(), "p": 0, "t": None, "v": _cid(block)}
        for (path, _), block in zip(spec["records"], blocks, strict=True)
    ]
    blocks.append(libipld.encode_dag_cbor({"e": entries, "l": None}))
    commit = {"did": spec["did"], "version": 3, "data": _cid(blocks[-1]), "rev": "3kaaaaaaaaz2a"}
    blocks.append(libipld.encode_dag_cbor({**commit, "prev": None, "sig": b"\x00" * 64}))
    header = libipld.encode_dag_cbor({"roots": [_cid(blocks[-1])], "version": 1})
    data = _varint(len(header)) + header
    for block in blocks:
        data += _varint(36 + len(block)) + _cid(block) + block
    path = tmp_path / "ana.repo.car"
    path.write_bytes(data)
    return path


def test_no_interaction_with_the_owner_at_both_ends(fresh_store, tmp_path):
    (file,) = input_files(_car(tmp_path))
    records = list(bluesky.parse(file, ImportOptions()))
    me = (("bluesky", "id", ANA),)
    first = records[0]  # the like of the owner's own post: a post by the owner, keyed
    assert isinstance(first, Post) and first.author.is_self and first.author.keys == me
    acts = [r for r in records if isinstance(r, Interaction)]
    # bo mentioned and replied to, cy mentioned and liked, bo reposted; the self-reply,
    # self-quote, self-mention, like and repost of own posts and the self-follow are not
    assert Counter(a.kind for a in acts) == {"mention": 2, "reply": 1, "like": 1, "repost": 1}
    assert all(a.src.keys == me and a.dst.keys != me for a in acts)
    assert [r.dst.keys for r in records if isinstance(r, Tie)] == [
        (("bluesky", "id", "did:plc:boexample234567abcdefghij"),)
    ]
    own = {r.key: r for r in records if isinstance(r, Post) and r.text}
    assert own[f"at://{ANA}/app.bsky.feed.post/3kaaaaaaaab2a"].reply_to == (
        f"at://{ANA}/app.bsky.feed.post/3kaaaaaaaaa2a"
    )
    report = salon.import_paths(fresh_store, [file.path])
    assert (report.added["posts"], report.added["interactions"]) == (5 + 2, 5)
    assert report.added["people"] == 3  # the owner (by DID alone, no profile), bo, cy
    with fresh_store.engine.connect() as c:
        me_id = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        assert c.execute(select(func.count()).where(ties.c.dst_id == me_id)).scalar() == 0
        loops = select(func.count()).where(interactions.c.src_id == interactions.c.dst_id)
        assert c.execute(loops).scalar() == 0


def test_a_truncated_car_file_says_so(fresh_store, tmp_path):
    """A repository cut short (a download that did not finish) is named truncated, with the
    byte where the block that runs past the end starts; it is no 'not a CAR file'."""
    data = (shared(CARS) / "greenground.repo.car").read_bytes()
    header_end = 1 + data[0]  # a one-byte varint, then the header
    cut = tmp_path / "repo.car"
    cut.write_bytes(data[: len(data) - 5])
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [cut])
    message = str(error.value)
    assert message.startswith(f"Could not read '{cut}': the CAR file is truncated: the block at ")
    assert f"runs past its end ({len(data) - 5:,} bytes)" in message
    assert "not a CAR file" not in message
    offset = int(message.split("the block at byte ")[1].split(" ")[0].replace(",", ""))
    assert header_end <= offset < len(data) - 5
    # cut inside its header, it is not (yet) a CAR file
    cut.write_bytes(data[:3])
    with pytest.raises(salon.ExportFormatError, match="not a CAR file"):
        salon.import_paths(fresh_store, [cut])
    # every block whole but one damaged inside: damaged, not truncated
    (file,) = input_files(_car(tmp_path))
    whole = file.path.read_bytes()
    start = 1 + whole[0]  # past the header: the first block's CID made unreadable
    file.path.write_bytes(whole[:start] + whole[start:].replace(b"\x01\x71", b"\x09\x09", 1))
    with pytest.raises(salon.ExportFormatError, match="the CAR file is damaged"):
        salon.import_paths(fresh_store, [file.path])
