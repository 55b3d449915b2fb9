import json

import pytest
from sqlalchemy import select

import salon
from salon.store.schema import posts


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
