import json
from collections import Counter

import pytest
from sqlalchemy import select

import salon
from salon.store.schema import identities, interactions, posts


def test_jsonl_posts(fresh_store, tmp_path):
    path = tmp_path / "posts.jsonl"
    rows = [
        {
            "id": "1",
            "author": "ana",
            "author_name": "Ana Ruiz",
            "time": "2024-05-01T10:00:00Z",
            "text": "Where is the conversation?",
            "channel": "forum",
            "tags": ["GTM", "#sales"],
        },
        {"id": "2", "author": "ben", "time": 1714557600, "text": "Here.", "reply_to": "1"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = salon.import_paths(fresh_store, [path], options=salon.ImportOptions(namespace="f"))
    assert report.added["posts"] == 2 and report.added["people"] == 2
    with fresh_store.engine.connect() as c:
        got = c.execute(
            select(posts.c.post_key, posts.c.tags, posts.c.reply_to, posts.c.at).order_by(
                posts.c.post_key
            )
        ).all()
    assert got == [("1", '["gtm", "sales"]', None, 1714557600), ("2", None, "1", 1714557600)]


def test_csv_posts_and_tags(fresh_store, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text('id,author,time,text,tags\n7,zoe,2024-01-01,"Hello, world",a|b c\n')
    report = salon.import_paths(fresh_store, [path])
    assert report.added["posts"] == 1
    with fresh_store.engine.connect() as c:
        assert c.execute(select(posts.c.platform, posts.c.tags)).one() == (
            "posts",
            '["a", "b", "c"]',
        )


def test_bad_time_is_named(fresh_store, tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"id": "1", "author": "a", "time": "yesterday"}\n')
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [path])
    assert str(error.value) == f"Could not read '{path}' line 1: unrecognised time 'yesterday'."


def test_broken_json_line_is_named(fresh_store, tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"id": "1", "author": "a"}\n{"id": "2", "author": \n')
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [path])
    assert str(error.value) == (
        f"Could not read '{path}' line 2: broken JSON (Expecting value). "
        "The file looks truncated or edited; download the export again."
    )


def test_mentions_and_parent_authors_outside_the_file(fresh_store, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        "id,author,author_handle,time,text,reply_to,reply_to_author,repost_of,"
        "repost_of_author,mentions\n"
        '1,10,ana,2024-01-01,"Hi @ben, @cleo@fosstodon.org! Mail ana@example.org",,,,,\n'
        "2,11,ben,2024-01-02,@ana thanks @ana,1,10,,,\n"
        "3,11,ben,2024-01-03,see this,99,@dora,,,\n"
        "4,10,ana,2024-01-04,,,,77,12,eve;ben\n"
    )
    report = salon.import_paths(fresh_store, [path], options=salon.ImportOptions(namespace="p"))
    # ana, ben; only mentioned: cleo, eve; only a parent's author: dora (a handle), 12 (an id)
    assert report.added["people"] == 6
    with fresh_store.engine.connect() as c:
        name = {}
        for person, kind, value in c.execute(
            select(identities.c.person_id, identities.c.kind, identities.c.value)
        ):
            name.setdefault(person, value if kind == "handle" else f"#{value}")
        got = Counter(
            (name[s], name[d], kind, ref)
            for s, d, kind, ref in c.execute(
                select(
                    interactions.c.src_id,
                    interactions.c.dst_id,
                    interactions.c.kind,
                    interactions.c.ref,
                )
            )
        )
    ana = name[next(p for p, v in name.items() if v in ("ana", "#10"))]
    ben = name[next(p for p, v in name.items() if v in ("ben", "#11"))]
    assert got == Counter(
        {
            (ana, ben, "mention", "1"): 1,
            (ana, "cleo@fosstodon.org", "mention", "1"): 1,  # not the e-mail address
            (ben, ana, "mention", "2"): 1,  # once a post; the reply to post 1 is the post's
            (ben, "dora", "reply", "3"): 1,  # post 99 is not in the file: its author kept
            (ana, "#12", "repost", "4"): 1,
            (ana, "eve", "mention", "4"): 1,
            (ana, ben, "mention", "4"): 1,
        }
    )
