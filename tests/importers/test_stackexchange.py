"""The Stack Exchange dump importer, against the raw XML of a real site's dump (counted here
with regular expressions, not the importer's parser) and small hand-made files."""

import html
import json
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

import salon
from salon.importers import plan
from salon.importers.stackexchange import _rows, site_of, tags_of
from salon.model import identity
from salon.store.schema import identities, people, posts
from tests.conftest import data_counts, run_cli, shared

SITE = "stackexchange_quantumcomputing"
_ROW = re.compile(r"^\s*<row\s(.*?)/>\s*$")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _raw(folder: Path, name: str) -> list[dict[str, str]]:
    """The rows of a dump file, each line read with regular expressions."""
    rows = []
    for line in (folder / name).read_text(encoding="utf-8-sig").splitlines():
        if match := _ROW.match(line):
            rows.append({k: html.unescape(v) for k, v in _ATTR.findall(match.group(1))})
    return rows


@pytest.fixture(scope="module")
def dump() -> Path:
    return shared(SITE)


@pytest.fixture(scope="module")
def imported(dump, tmp_path_factory):
    store = salon.open_store(str(tmp_path_factory.mktemp("se") / "se.db"))
    report = salon.import_paths(store, [dump])
    yield store, report
    store.close()


def test_counts_match_the_raw_xml(dump, imported):
    store, report = imported
    users, qa = _raw(dump, "Users.xml"), _raw(dump, "Posts.xml")
    comments = _raw(dump, "Comments.xml")
    assert (len(users), len(qa), len(comments)) == (3461, 1986, 3413)
    questions = [r for r in qa if r["PostTypeId"] == "1"]
    answers = [r for r in qa if r["PostTypeId"] == "2"]
    assert (len(questions), len(answers)) == (612, 1060)
    referenced = (
        {r["Id"] for r in users}
        | {r["OwnerUserId"] for r in questions + answers if "OwnerUserId" in r}
        | {r["UserId"] for r in comments if "UserId" in r}
    ) - {"-1"}  # Community: the site's background process
    assert report.added["people"] == len(referenced) == 3460
    assert report.added["posts"] == len(questions) + len(answers) + len(comments) == 5085
    assert report.added.get("interactions", 0) == 0  # replies are read from the posts
    assert {f.file.rsplit("/", 1)[-1]: f.records for f in report.files} == {
        "Comments.xml": 3413,
        "Posts.xml": 1672,
        "Users.xml": 3460,
    }
    assert sorted(u.rsplit("/", 1)[-1] for u in report.unused) == [
        "Badges.xml",
        "PostLinks.xml",
        "Tags.xml",
        "Votes.xml",
    ]
    with store.engine.connect() as c:
        assert c.execute(select(func.count()).where(people.c.is_self)).scalar_one() == 0
        claims = Counter(
            identity("", "url", r["WebsiteUrl"])
            for r in users
            if r["Id"] != "-1" and "." in re.sub(r"^https?://", "", r.get("WebsiteUrl", ""))
        )
        urls = select(func.count()).where(identities.c.kind == "url", identities.c.platform == "")
        # a website several users give (www.google.com) identifies none of them
        assert max(claims.values()) > 1
        assert c.execute(urls).scalar_one() == sum(n == 1 for n in claims.values())


def test_people_names_and_identities(imported):
    store, _ = imported
    with store.engine.connect() as c:
        person = c.execute(
            select(identities.c.person_id).where(
                identities.c.platform == "quantumcomputing", identities.c.value == "26"
            )
        ).scalar_one()
        keys = c.execute(
            select(identities.c.platform, identities.c.kind, identities.c.value).where(
                identities.c.person_id == person
            )
        ).all()
        name = c.execute(select(people.c.name).where(people.c.id == person)).scalar_one()
    assert ("quantumcomputing", "id", "26") in keys
    assert ("stackexchange", "id", "quantumcomputing:26") in keys  # the collector's key
    assert name  # from Users.xml


def test_tags_text_and_replies_match_the_raw_xml(dump, imported):
    store, _ = imported
    qa = _raw(dump, "Posts.xml")
    with store.engine.connect() as c:
        stored = {
            key: (tags, reply_to, text, channel, author)
            for key, tags, reply_to, text, channel, author in c.execute(
                select(
                    posts.c.post_key,
                    posts.c.tags,
                    posts.c.reply_to,
                    posts.c.text,
                    posts.c.channel,
                    posts.c.author_id,
                ).where(posts.c.platform == "quantumcomputing")
            )
        }
    questions = {row["Id"]: row for row in qa if row["PostTypeId"] == "1"}
    for row in qa:
        if row["PostTypeId"] == "1":
            tags, reply_to, text, _, _ = stored[row["Id"]]
            assert json.loads(tags) == re.findall(r"<([^>]+)>", row["Tags"])
            assert reply_to is None and text.startswith(" ".join(row["Title"].split()))
            assert "<p>" not in text
        elif row["PostTypeId"] == "2":  # an answer: its question's tags
            tags, reply_to, _, _, _ = stored[row["Id"]]
            asked = questions[row["ParentId"]]
            assert reply_to == row["ParentId"]
            assert (json.loads(tags) if tags else []) == re.findall(r"<([^>]+)>", asked["Tags"])
        else:
            assert row["Id"] not in stored  # tag wikis are not posts
    for row in _raw(dump, "Comments.xml"):
        assert stored[f"c{row['Id']}"][1] == row["PostId"]
    assert {v[3] for v in stored.values()} == {"quantumcomputing.stackexchange.com"}
    community = {r["Id"] for r in qa if r.get("OwnerUserId") == "-1" and r["PostTypeId"] in "12"}
    assert all(stored[k][4] is None for k in community)


def test_reimport_adds_nothing(dump, imported):
    store, _ = imported
    before = data_counts(store)
    again = salon.import_paths(store, [dump], options=salon.ImportOptions(force=True))
    assert again.import_id is None and not any(again.added.values())
    assert data_counts(store) == before


def _tiny(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Users.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<users>\n'
        '  <row Id="-1" DisplayName="Community" />\n'
        '  <row Id="5" DisplayName="Ana  Ruiz" Location="Lisbon" WebsiteUrl="http://none" />\n'
        '  <row Id="6" DisplayName="Ben" WebsiteUrl="https://ben.example.org/" />\n'
        "</users>\n"
    )
    (folder / "Posts.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n'
        '  <row Id="10" PostTypeId="1" AcceptedAnswerId="11" CreationDate="2024-01-02T03:04:05.678"'
        ' OwnerUserId="5" Title="Which GTM?" Body="&lt;p&gt;Tell &amp;amp; me&lt;/p&gt;"'
        ' Tags="|go-to-market|Sales|" />\n'
        '  <row Id="11" PostTypeId="2" ParentId="10" CreationDate="2024-01-02T04:00:00.000"'
        ' OwnerUserId="6" Body="&lt;p&gt;This.&lt;/p&gt;" />\n'
        "</posts>\n"
    )
    (folder / "Comments.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<comments>\n'
        '  <row Id="10" PostId="11" Text="Thanks!" CreationDate="2024-01-02T05:00:00.000"'
        ' UserId="5" />\n</comments>\n'
    )
    return folder


def test_new_tag_form_html_and_a_zip(fresh_store, tmp_path):
    folder = _tiny(tmp_path / "gtm.stackexchange.com")
    archive = tmp_path / "gtm.stackexchange.com.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("Users.xml", "Posts.xml", "Comments.xml"):
            z.write(folder / name, name)
    report = salon.import_paths(fresh_store, [archive])
    assert report.added["people"] == 2 and report.added["posts"] == 3
    with fresh_store.engine.connect() as c:
        got = c.execute(
            select(
                posts.c.platform, posts.c.post_key, posts.c.tags, posts.c.text, posts.c.reply_to
            ).order_by(posts.c.id)
        ).all()
        ana = c.execute(select(people.c.name, people.c.location).where(people.c.name == "Ana Ruiz"))
        assert ana.one() == ("Ana Ruiz", "Lisbon")
        urls = c.execute(select(identities.c.value).where(identities.c.kind == "url")).all()
    assert urls == [("ben.example.org",)]  # "http://none" is no website
    assert sorted(got, key=lambda r: r[1]) == [
        ("gtm", "10", '["go-to-market", "sales"]', "Which GTM? Tell & me", None),
        ("gtm", "11", '["go-to-market", "sales"]', "This.", "10"),
        ("gtm", "c10", None, "Thanks!", "11"),
    ]


def test_site_names():
    def site(name: str, namespace: str | None = None) -> tuple[str, str]:
        file = salon.importers.files.InputFile(name, name, 0, None, bytes)
        return site_of(file, salon.ImportOptions(namespace=namespace))

    assert site("stackoverflow.com/Posts.xml") == ("stackoverflow", "stackoverflow.com")
    assert site("stackexchange_quantumcomputing/Posts.xml") == (
        "quantumcomputing",
        "quantumcomputing.stackexchange.com",
    )
    assert site("x/Posts.xml", "mathoverflow.net") == ("mathoverflow", "mathoverflow.net")
    assert tags_of("<a><b><a>") == ("a", "b")


def _refused(store, path: Path) -> str:
    before = data_counts(store)
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(store, [path])
    assert data_counts(store) == before
    return str(error.value)


@pytest.mark.parametrize(
    ("row", "where", "problem"),
    [
        (
            '<row Id="12" PostTypeId="1" CreationDate="yesterday" OwnerUserId="5" />',
            "line 4 (row Id 12)",
            "unrecognised date 'yesterday' in CreationDate",
        ),
        ('<row PostTypeId="1" CreationDate="2024-01-01" />', "line 4", "a post row has no Id"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(fresh_store, tmp_path, row, where, problem):
    folder = _tiny(tmp_path / "gtm")
    salon.import_paths(fresh_store, [folder / "Users.xml"])
    bad = folder / "Posts.xml"
    lines = bad.read_text().splitlines()
    bad.write_text("\n".join([*lines[:3], row, *lines[3:]]) + "\n")
    assert _refused(fresh_store, folder) == (
        f"Could not read '{bad}' {where}: {problem}. "
        "Import the file as Stack Exchange published it."
    )


def test_truncated_xml_names_its_line(fresh_store, tmp_path):
    folder = _tiny(tmp_path / "gtm")
    text = (folder / "Posts.xml").read_text()
    (folder / "Posts.xml").write_text(text[: text.index("ParentId")])
    message = _refused(fresh_store, folder)
    assert message.startswith(f"Could not read '{folder / 'Posts.xml'}' line 4: the XML is broken")
    assert "truncated" in message


def test_a_document_type_is_refused(fresh_store, tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY a "aaaaaaaaaa">]>\n<posts>\n'
        '  <row Id="1" PostTypeId="1" CreationDate="2024-01-01" Body="&a;" />\n</posts>\n'
    )
    with pytest.raises(salon.UnknownExportError):  # no dump file: none has a document type
        salon.import_paths(fresh_store, [path])
    with pytest.raises(salon.SalonError, match="is no Stack Exchange dump file"):
        salon.import_paths(fresh_store, [path], source="stackexchange")
    file = salon.importers.files.input_files(path)[0]
    with pytest.raises(salon.ExportFormatError, match="line 2: it declares a document type"):
        list(_rows(file))  # and the reader refuses one all the same
    assert not any(data_counts(fresh_store).values())


def test_detection_by_content(tmp_path, dump):
    renamed = tmp_path / "part-1.dat"
    shutil.copyfile(dump / "Posts.xml", renamed)
    (chosen,), _, _ = plan([renamed])
    assert chosen[1].NAME == "stackexchange"
    other = tmp_path / "Posts.xml"
    other.write_text('<?xml version="1.0"?>\n<posts>\n  <post id="1" author="a" />\n</posts>\n')
    with pytest.raises(salon.UnknownExportError):
        plan([other])
    graph = tmp_path / "g.xml"
    graph.write_text(
        '<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<graph edgedefault="directed"><node id="a"/></graph></graphml>\n'
    )
    assert [m.NAME for _, m, _ in plan([graph])[0]] != ["stackexchange"]
    with pytest.raises(salon.SalonError, match="holds nothing Salon keeps"):
        plan([dump / "Votes.xml"], "stackexchange")


def test_cli_import_and_where(tmp_path, dump):
    db = tmp_path / "cli.db"
    done = run_cli("import", str(dump), db=db)
    assert done.returncode == 0, done.stderr
    assert "Stack Exchange site 'quantumcomputing'" in done.stdout
    found = run_cli(
        "where",
        "quantum error correction",
        "--segment",
        "platform:quantumcomputing",
        "--json",
        db=db,
    )
    assert found.returncode == 0, found.stderr
    answer = json.loads(found.stdout)
    assert answer["channels"][0]["channel"] == "channel:quantumcomputing.stackexchange.com"


def test_an_answer_before_its_question_still_takes_its_tags(fresh_store, tmp_path):
    folder = _tiny(tmp_path / "gtm.stackexchange.com")
    posts_xml = folder / "Posts.xml"
    lines = posts_xml.read_text().splitlines(keepends=True)
    (question,) = [i for i, line in enumerate(lines) if 'PostTypeId="1"' in line]
    (answer,) = [i for i, line in enumerate(lines) if 'PostTypeId="2"' in line]
    # Each row is one line of the file: the answer's row first, then its question's.
    lines[question], lines[answer] = lines[answer], lines[question]
    posts_xml.write_text("".join(lines))
    salon.import_paths(fresh_store, [folder])
    with fresh_store.engine.connect() as c:
        tags = dict(c.execute(select(posts.c.post_key, posts.c.tags)).all())
    assert tags["11"] == tags["10"] == '["go-to-market", "sales"]'
