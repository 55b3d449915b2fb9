import csv
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import salon
from salon.store.schema import identities, interactions, posts
from tests.conftest import data_counts, run_cli


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
    assert str(error.value) == (
        f"Could not read '{path}' line 1: unrecognised time 'yesterday' in 'time'. "
        "Write times as ISO 8601 or Unix seconds (years 1 to 9999); "
        "fix that line or leave the field out."
    )


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


def _refused(store, path, **options) -> str:
    """The message of an import that must fail, checking it wrote nothing."""
    before = data_counts(store)
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(store, [path], options=salon.ImportOptions(**options))
    assert data_counts(store) == before
    return str(error.value)


_FIX = "fix that line or leave the field out"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "tags",
            5,
            "'tags' is a number, not a list of words. Write it as a list of strings "
            f'such as ["ai", "gtm"]; {_FIX}',
        ),
        (
            "tags",
            ["ai", 3],
            "'tags' is a list, not a list of words. Write it as a list of "
            f'strings such as ["ai", "gtm"]; {_FIX}',
        ),
        (
            "mentions",
            {"a": 1},
            "'mentions' is an object, not a list of words. Write it as a "
            f'list of strings such as ["ai", "gtm"]; {_FIX}',
        ),
        ("text", ["a", "b"], f"'text' is a list, not text. Write it as a string; {_FIX}"),
        (
            "author_name",
            True,
            f"'author_name' is true or false, not text. Write it as a string; {_FIX}",
        ),
        (
            "id",
            {"x": 1},
            f"'id' is an object, not an id. Write ids as strings or whole numbers; {_FIX}",
        ),
        (
            "reply_to",
            1.5,
            f"'reply_to' is a number, not an id. Write ids as strings or whole numbers; {_FIX}",
        ),
        (
            "time",
            1e30,
            "unrecognised time '1e+30' in 'time'. Write times as ISO 8601 or Unix "
            f"seconds (years 1 to 9999); {_FIX}",
        ),
        (
            "created_at",
            float("inf"),
            "unrecognised time 'inf' in 'created_at'. Write times as "
            f"ISO 8601 or Unix seconds (years 1 to 9999); {_FIX}",
        ),
        (
            "time",
            [2024],
            "unrecognised time '[2024]' in 'time'. Write times as ISO 8601 or Unix "
            f"seconds (years 1 to 9999); {_FIX}",
        ),
        (
            "text",
            "a\x00b",
            f"'text' holds a NUL character or half of a surrogate pair. Remove it; {_FIX}",
        ),
    ],
)
def test_json_fields_of_the_wrong_type_are_named(fresh_store, tmp_path, field, value, message):
    salon.import_paths(fresh_store, [_jsonl(tmp_path / "ok.jsonl", [{"id": 1, "author": 2}])])
    path = _jsonl(
        tmp_path / "p.jsonl", [{"id": "1", "author": "a"}, {"id": "2", "author": "b", field: value}]
    )
    assert _refused(fresh_store, path) == f"Could not read '{path}' line 2: {message}."


def test_lone_surrogates_and_huge_integers_are_named(fresh_store, tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "1", "author": "a", "text": "half \\ud800 a pair"}\n')
    assert "line 1: 'text' holds a NUL character or half of a surrogate pair" in _refused(
        fresh_store, path
    )
    path.write_text('{"id": 1, "author": "a"}\n{"id": %s, "author": "a"}\n' % ("9" * 5000))
    assert _refused(fresh_store, path) == (
        f"Could not read '{path}' line 2: a number has too many digits. "
        f"Write ids as strings; {_FIX}."
    )


def test_whole_number_ids_are_text(fresh_store, tmp_path):
    path = _jsonl(
        tmp_path / "p.jsonl", [{"id": 10, "author": 7, "time": 1714557600.9, "reply_to": 3}]
    )
    salon.import_paths(fresh_store, [path])
    with fresh_store.engine.connect() as c:
        assert c.execute(select(posts.c.post_key, posts.c.reply_to, posts.c.at)).one() == (
            "10",
            "3",
            1714557600,
        )


def test_empty_file_is_called_empty(fresh_store, tmp_path):
    for name in ("x.csv", "x.jsonl"):
        path = tmp_path / name
        path.write_text("")
        for source in (None, "posts"):
            with pytest.raises(salon.SalonError) as error:
                salon.import_paths(fresh_store, [path], source=source)
            assert str(error.value) == (
                f"'{path}' is empty: there is nothing to import. "
                "Check that the download or export finished, and import the complete file."
            )
    assert not any(data_counts(fresh_store).values())


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (
            "people.csv",
            "name,email\nAna,a@x.org\n",
            "its header row has no 'id' or 'author' column (it has 'name, email')",
        ),
        ("p.csv", "id,user\n1,a\n", "its header row has no 'author' column (it has 'id, user')"),
        ("p.jsonl", "not json\n", "its first line is not a JSON object"),
        ("p.jsonl", '{"id": 1}\n', "its first record has no 'author'"),
    ],
)
def test_forced_source_says_why_it_refused(fresh_store, tmp_path, name, text, reason):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(salon.SalonError) as error:
        salon.import_paths(fresh_store, [path], source="posts")
    assert str(error.value) == (
        f"The 'posts' importer cannot read '{path}': {reason}. Run 'salon sources' to see "
        "which importer reads which files, or import without --source to detect the format."
    )


def test_forced_source_on_the_command_line(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("abc\n")
    result = run_cli("import", "--source", "edges", str(path), db=tmp_path / "s.db")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        f"The 'edges' importer cannot read '{path}': its lines have 1 column(s), not 2 to 5"
        in " ".join(result.stderr.split())
    )


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


# -- generated posts ---------------------------------------------------------------------------

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)
_post = st.fixed_dictionaries(
    {
        "author": st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=6),
        "time": st.one_of(st.none(), st.integers(10**5, 4 * 10**9)),
        "text": st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=40,
        ),
        "channel": st.one_of(st.none(), _word),
        "tags": st.lists(_word, max_size=4, unique=True),
    }
)


def _write_posts(path, rows: list[dict]) -> None:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        return
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "author", "time", "text", "channel", "tags"])
        for r in rows:
            cells = {
                **r,
                "time": "" if r["time"] is None else r["time"],
                "tags": " ".join(r["tags"]),
            }
            writer.writerow(
                [
                    cells[k] if cells[k] is not None else ""
                    for k in ("id", "author", "time", "text", "channel", "tags")
                ]
            )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from([".csv", ".jsonl"]), st.lists(_post, min_size=1, max_size=8))
def test_generated_posts_round_trip(tmp_path_factory, suffix, generated):
    folder = tmp_path_factory.mktemp("posts")
    rows = [{"id": f"p{i}", **post} for i, post in enumerate(generated)]
    path = folder / f"posts{suffix}"
    _write_posts(path, rows)
    with salon.open_store(str(folder / "s.db")) as store:
        salon.import_paths(store, [path], options=salon.ImportOptions(namespace="gen"))
        with store.engine.connect() as c:
            authors = dict(
                c.execute(
                    select(identities.c.person_id, identities.c.value).where(
                        identities.c.kind == "id"
                    )
                ).all()
            )
            got = {
                key: (authors[author], at, text, channel, json.loads(tags) if tags else [])
                for key, author, at, text, channel, tags in c.execute(
                    select(
                        posts.c.post_key,
                        posts.c.author_id,
                        posts.c.at,
                        posts.c.text,
                        posts.c.channel,
                        posts.c.tags,
                    )
                )
            }
    assert got == {
        r["id"]: (r["author"], r["time"], r["text"] or None, r["channel"], r["tags"]) for r in rows
    }


_FIELDS = [
    "id",
    "author",
    "author_name",
    "author_handle",
    "time",
    "created_at",
    "text",
    "channel",
    "reply_to",
    "reply_to_author",
    "repost_of",
    "repost_of_author",
    "mentions",
    "tags",
    "url",
    "platform",
]
_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=80))
_junk = st.one_of(
    _scalar,
    st.lists(_scalar, max_size=3),
    st.dictionaries(st.text(max_size=3), _scalar, max_size=2),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from([".csv", ".jsonl"]), st.sampled_from(_FIELDS), _junk)
def test_junk_in_any_field_is_read_or_named(tmp_path_factory, suffix, field, value):
    """Whatever a field holds, the import succeeds or names the file: never a traceback."""
    folder = tmp_path_factory.mktemp("junk")
    path = folder / f"posts{suffix}"
    good = {"id": "1", "author": "a", "text": "first"}
    if suffix == ".jsonl":
        path.write_text(
            json.dumps(good) + "\n" + json.dumps({"id": "2", "author": "b", field: value}) + "\n"
        )
    else:
        text = value if isinstance(value, str) else json.dumps(value)
        columns = list(dict.fromkeys(["id", "author", "text", field]))
        row = {"id": "2", "author": "b", "text": "", field: text}
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerow([good.get(k, "") for k in columns])
            writer.writerow([row[k] for k in columns])
    with salon.open_store(str(folder / "s.db")) as store:
        try:
            salon.import_paths(store, [path])
        except salon.ExportFormatError as error:
            assert str(error).startswith(f"Could not read '{path}' line ")
            assert not any(data_counts(store).values())
