import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

import salon
from salon.importers import twitter
from salon.importers.base import ImportOptions
from salon.importers.files import input_files
from salon.model import Interaction, Person, Post
from salon.store.queries import follow_history
from salon.store.schema import identities, interactions, people, posts, snapshots, ties
from tests.conftest import ROOT, shared

LARS = "exports/twitter_archive_larsbrinkhoff"
SNAPSHOTS = ("2021-03-22", "2022-04-29", "2022-10-30", "2023-08-20")


def _ids(path: Path, key: str) -> set[str]:
    text = path.read_text()
    return {entry[key]["accountId"] for entry in json.loads(text[text.index("=") + 1 :])}


def test_dogsheep_fixtures(fresh_store):
    report = salon.import_paths(fresh_store, [shared("exports/twitter_archive_dogsheep_fixtures")])
    records = {Path(f.file).name: f.records for f in report.files}
    assert records["follower.js"] == 2 + 1  # two ties and the snapshot
    assert records["following.js"] == 2 + 1
    assert report.added["posts"] == 3  # tweets_api_v1.json
    assert sorted(Path(u).name for u in report.unused) == [
        "account-suspension.js",
        "app.js",
        "saved-search.js",
    ]
    with fresh_store.engine.connect() as c:
        me = c.execute(select(people.c.id, people.c.name).where(people.c.is_self)).one()
        assert me.name == "Simon Willison"
        handles = (
            c.execute(
                select(identities.c.value).where(
                    identities.c.person_id == me.id, identities.c.kind == "handle"
                )
            )
            .scalars()
            .all()
        )
        assert handles == ["simonw"]
        assert c.execute(select(func.count()).where(ties.c.dst_id == me.id)).scalar() == 2


def _kinds_by_hand() -> dict[str, int]:
    """tweet.js read with plain Python: a retweet ("RT @" and a first mention) is a repost of
    that account, a reply names its account, each other account mentioned is a mention; no
    account twice in one tweet and never the owner (id 3128746474, @larsbrinkhoff)."""
    raw = (shared(LARS) / "tweet.js").read_text()
    counts = Counter()
    for item in json.loads(raw[raw.index("[") :]):
        tweet = item["tweet"]
        named = {"3128746474"}
        mentioned = [m["id_str"] for m in tweet["entities"]["user_mentions"]]
        whom = []
        if tweet["full_text"].startswith("RT @") and mentioned:
            whom.append(("repost", mentioned.pop(0)))
        if tweet.get("in_reply_to_user_id_str"):
            whom.append(("reply", tweet["in_reply_to_user_id_str"]))
        whom += [("mention", m) for m in mentioned]
        for kind, account in whom:
            if account not in named:
                counts[kind] += 1
            named.add(account)
    return dict(counts)


def test_archive_tweets_become_posts_and_interactions(fresh_store):
    report = salon.import_paths(fresh_store, [shared(LARS)])
    assert report.added["posts"] == 1827 + 12  # tweets, and the 12 liked tweets of like.js
    with fresh_store.engine.connect() as c:
        kinds = dict(
            c.execute(select(interactions.c.kind, func.count()).group_by(interactions.c.kind)).all()
        )
        assert kinds["like"] == 12
        assert {k: kinds[k] for k in ("reply", "mention", "repost")} == _kinds_by_hand()
        # every tweet of tweet.js is authored by the archive's owner
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        mine = c.execute(select(func.count()).where(posts.c.author_id == me)).scalar()
        assert mine == 1827


def test_four_archives_date_new_followers(fresh_store):
    salon.import_paths(fresh_store, [shared(LARS)])
    folders = [shared(LARS) / d for d in SNAPSHOTS]
    followers = [_ids(f / "follower.js", "follower") for f in folders]
    history = [h for h in follow_history(fresh_store) if h.list == "follower"]
    assert [h.count for h in history] == [405, 561, 644, 764]
    expected_new = [len(followers[0])]
    for i in range(1, 4):
        expected_new.append(len(followers[i] - set().union(*followers[:i])))
    assert [h.new for h in history] == expected_new == [405, 173, 93, 173]
    # The newest archive is dated by its manifest, the others by their folder's date.
    assert history[-1].to_dict()["taken_at"] == "2023-08-20T11:06:14Z"
    assert history[1].to_dict()["previous_at"] == "2021-03-22T00:00:00Z"
    with fresh_store.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(snapshots)).scalar() == 8


def test_each_archive_alone_then_together_is_the_same(fresh_store, tmp_path):
    for folder in SNAPSHOTS:
        salon.import_paths(fresh_store, [shared(LARS) / folder])
    again = salon.import_paths(fresh_store, [shared(LARS) / d for d in SNAPSHOTS])
    assert again.import_id is None


def test_broken_js_names_the_line(fresh_store, tmp_path):
    broken = tmp_path / "data" / "follower.js"
    broken.parent.mkdir()
    source = (shared(LARS) / "2021-03-22" / "follower.js").read_text()
    broken.write_text(source[:500])
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [broken])
    assert str(error.value).startswith(f"Could not read '{broken}' line 19: broken JSON (")
    assert str(error.value).endswith(
        "The file looks truncated or edited; download the export again."
    )


# -- hand-written archives: the same seven tweets in the 2019 and the 2023 layout -------------

ANA = (("x", "id", "1000000001"), ("x", "handle", "ana_x"))


def _zipped(folder: Path, tmp_path: Path) -> Path:
    archive = tmp_path / f"twitter-{folder.name}.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(folder.rglob("*.js")):
            z.write(f, f.relative_to(folder).as_posix())
    return archive


def _archive(layout: str, tmp_path: Path) -> Path:
    folder = ROOT / "tests/data" / layout
    return _zipped(folder, tmp_path) if layout == "x_2023" else folder


def _parsed(path: Path, name: str | None = None) -> list:
    files = [f for f in input_files(path) if twitter.detect(f)]
    files = [f for f in files if name is None or f.basename == name]
    return [record for file in files for record in twitter.parse(file, ImportOptions())]


@pytest.mark.parametrize(("layout", "likes"), [("x_2019", 0), ("x_2023", 1)])
def test_tweet_js_and_tweets_js(fresh_store, tmp_path, layout, likes):
    path = _archive(layout, tmp_path)
    records = _parsed(path)
    tweets = [r for r in records if isinstance(r, Post) and r.author is not None]
    assert len(tweets) == 7 and all(t.author.is_self and t.author.keys == ANA for t in tweets)
    assert [t.reply_to for t in tweets[1:3]] == ["1100000000000000001", "1100000000000000002"]
    acts = [r for r in records if isinstance(r, Interaction)]
    # bo mentioned, bo replied to, cy retweeted; the thread, the self-mention and the
    # retweet of the owner's own tweet are no interactions
    assert Counter(a.kind for a in acts) == Counter(mention=1, reply=1, repost=1, like=likes)
    assert not any(a.dst is not None and set(a.dst.keys) & set(ANA) for a in acts)
    report = salon.import_paths(fresh_store, [path])
    assert report.added["posts"] == 7 + likes
    assert report.added["interactions"] == 3 + likes
    assert report.added["people"] == 3  # ana (one person), bo, cy
    with fresh_store.engine.connect() as c:
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        mine = select(identities.c.platform, identities.c.kind, identities.c.value).where(
            identities.c.person_id == me
        )
        assert set(c.execute(mine).all()) == set(ANA)
        loops = select(func.count()).where(interactions.c.src_id == interactions.c.dst_id)
        assert c.execute(loops).scalar() == 0


@pytest.mark.parametrize("layout", ["x_2019", "x_2023"])
def test_first_owner_record_carries_the_keys(tmp_path, layout):
    path = _archive(layout, tmp_path)
    for name in ("tweet.js", "tweets.js", "manifest.js", "like.js", "follower.js"):
        records = _parsed(path, name)
        refs = [ref for r in records for ref in _refs(r) if ref is not None and ref.is_self]
        if records and (layout, name) != ("x_2019", "follower.js"):
            assert refs[0].keys == ANA, name
    assert _parsed(path, "follower.js")[-1].owner.is_self  # the snapshot's owner


def _refs(record) -> list:
    if isinstance(record, Person):
        return [record.ref]
    if isinstance(record, Post):
        return [record.author]
    return [getattr(record, "src", None), getattr(record, "dst", None)]


def test_owner_without_account_or_manifest_is_one_person(fresh_store):
    report = salon.import_paths(fresh_store, [shared(LARS) / "tweet.js"])
    assert report.added["interactions"] == 2414 - 403 - 8  # 403 self-replies, 8 self-mentions
    with fresh_store.engine.connect() as c:
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        values = select(identities.c.value).where(identities.c.person_id == me)
        assert set(c.execute(values).scalars()) == {"3128746474", "larsbrinkhoff"}
        assert c.execute(select(func.count()).where(posts.c.author_id == me)).scalar() == 1827


# -- archives split into parts -----------------------------------------------------------------
# A large X archive splits a list over several files: manifest.js lists each data type's
# "files" ({"fileName": "data/follower-part1.js", "globalName": "YTD.follower.part1"}), as it
# does for tweets.js / tweets-part1.js.

_ACCOUNT = (
    'window.YTD.account.part0 = [{"account": {"email": "ana@example.org", "username": "ana_x",'
    ' "accountId": "1000000001", "accountDisplayName": "Ana"}}]'
)


def _list_part(name: str, part: int, ids: range) -> str:
    entries = ",".join(f'{{"{name}": {{"accountId": "{i}"}}}}' for i in ids)
    return f"window.YTD.{name}.part{part} = [{entries}]"


def _parted_archive(tmp_path: Path) -> Path:
    data = tmp_path / "parted" / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_text(_ACCOUNT)
    (data / "follower.js").write_text(_list_part("follower", 0, range(10, 13)))
    (data / "follower-part1.js").write_text(_list_part("follower", 1, range(13, 15)))
    (data / "following.js").write_text(_list_part("following", 0, range(20, 22)))
    (data / "following-part1.js").write_text(_list_part("following", 1, range(22, 23)))
    likes = ",".join(
        f'{{"like": {{"tweetId": "15000000000000000{i:02d}", "fullText": "liked {i}"}}}}'
        for i in range(3)
    )
    (data / "like.js").write_text(f"window.YTD.like.part0 = [{likes}]")
    (data / "like-part1.js").write_text(
        'window.YTD.like.part1 = [{"like": {"tweetId": "1500000000000000099"}}]'
    )
    return _zipped(tmp_path / "parted", tmp_path)


def test_lists_split_into_parts_are_read_whole(fresh_store, tmp_path):
    archive = _parted_archive(tmp_path)
    report = salon.import_paths(fresh_store, [archive])
    assert report.unused == []  # the -partN.js files were listed as not used
    assert report.added["ties"] == 5 + 3
    assert report.added["interactions"] == report.added["posts"] == 3 + 1
    with fresh_store.engine.connect() as c:
        counts = dict(c.execute(select(snapshots.c.list, snapshots.c.count)).all())
    assert counts == {"follower": 5, "following": 3}  # one snapshot a list, all parts counted
    again = salon.import_paths(fresh_store, [archive], options=ImportOptions(force=True))
    assert again.import_id is None and not any(again.added.values())


def test_a_file_saved_with_a_byte_order_mark_is_still_read(fresh_store, tmp_path):
    """An archive file opened and saved again in Windows Notepad starts with a UTF-8 BOM."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "account.js").write_text("\ufeff" + _ACCOUNT)
    (data / "follower.js").write_text("\ufeff" + _list_part("follower", 0, range(10, 12)))
    report = salon.import_paths(fresh_store, [data])
    assert sorted(f.records for f in report.files) == [1, 2 + 1]
    assert report.added["ties"] == 2


# -- direct messages ----------------------------------------------------------------------------
# The layout of data/direct-messages.js and data/direct-messages-group.js in X archives
# (2020-2025): conversations {"dmConversation": {"conversationId", "messages": [...]}}, each
# event a "messageCreate" (senderId, recipientId in one-to-one conversations only, id,
# createdAt, text), a "reactionCreate", or in a group "joinConversation" (participantsSnapshot)
# and "participantsJoin" (userIds).

_DMS = """window.YTD.direct_messages.part0 = [ {
  "dmConversation" : { "conversationId" : "1000000001-42", "messages" : [
    { "messageCreate" : { "recipientId" : "42", "reactions" : [ ], "urls" : [ ],
      "text" : "Coffee &amp; cake?", "mediaUrls" : [ ], "senderId" : "1000000001",
      "id" : "1500000000000000001", "createdAt" : "2022-03-01T10:00:00.000Z" } },
    { "messageCreate" : { "recipientId" : "1000000001", "text" : "Yes!", "senderId" : "42",
      "id" : "1500000000000000002", "createdAt" : "2022-03-01T10:05:00.000Z" } },
    { "reactionCreate" : { "senderId" : "42", "reactionKey" : "like",
      "eventId" : "1500000000000000003", "createdAt" : "2022-03-01T10:06:00.000Z" } } ] } } ]"""
_GROUP = """window.YTD.direct_messages_group.part0 = [ {
  "dmConversation" : { "conversationId" : "1500000000000000010", "messages" : [
    { "joinConversation" : { "initiatingUserId" : "42",
      "participantsSnapshot" : [ "42", "43" ], "createdAt" : "2022-04-01T09:00:00.000Z" } },
    { "participantsJoin" : { "initiatingUserId" : "42", "userIds" : [ "44" ],
      "createdAt" : "2022-04-01T09:01:00.000Z" } },
    { "messageCreate" : { "text" : "Welcome all", "senderId" : "1000000001",
      "id" : "1500000000000000011", "createdAt" : "2022-04-01T09:02:00.000Z" } } ] } } ]"""


def _dm_archive(tmp_path: Path) -> Path:
    data = tmp_path / "dm" / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_text(_ACCOUNT)
    (data / "direct-messages.js").write_text(_DMS)
    (data / "direct-messages-group.js").write_text(_GROUP)
    (data / "direct-message-headers.js").write_text("window.YTD.direct_message_headers.part0 = [ ]")
    return tmp_path / "dm"


def test_direct_messages_are_interactions(fresh_store, tmp_path):
    archive = _dm_archive(tmp_path)
    report = salon.import_paths(fresh_store, [archive])
    assert [Path(u).name for u in report.unused] == ["direct-message-headers.js"]
    # two one-to-one messages; the group message to each of its three other members
    assert report.added["interactions"] == 2 + 3
    with fresh_store.engine.connect() as c:
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        rows = c.execute(select(interactions.c.src_id, interactions.c.kind, interactions.c.body))
        rows = rows.all()
    assert Counter(src == me for src, _, _ in rows) == {True: 4, False: 1}
    assert {kind for _, kind, _ in rows} == {"message"} and {b for _, _, b in rows} == {None}
    again = salon.import_paths(fresh_store, [archive], options=ImportOptions(force=True))
    assert again.import_id is None


def test_direct_message_bodies_on_request(fresh_store, tmp_path):
    options = ImportOptions(bodies=True)
    salon.import_paths(fresh_store, [_dm_archive(tmp_path)], options=options)
    with fresh_store.engine.connect() as c:
        bodies = set(c.execute(select(interactions.c.body)).scalars())
    assert bodies == {"Coffee & cake?", "Yes!", "Welcome all"}


def test_a_direct_message_without_sender_names_its_record(fresh_store, tmp_path):
    archive = _dm_archive(tmp_path)
    (archive / "data" / "direct-messages.js").write_text(_DMS.replace('"senderId" : "42",', ""))
    with pytest.raises(salon.ExportFormatError, match="record 1: a direct message without"):
        salon.import_paths(fresh_store, [archive])
    with fresh_store.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(people)).scalar() == 0
