import csv
import io
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import salon
from salon.importers.files import input_files
from salon.importers.linkedin import detect
from salon.store.schema import identities, people, posts, ties
from tests.conftest import data_counts, shared

EXPORT_2018 = "exports/linkedin_export_2018_pseudonymised"


def test_2018_export_counts(fresh_store):
    report = salon.import_paths(fresh_store, [shared(EXPORT_2018)])
    counts = {f.file.rsplit("/", 1)[-1]: f.records for f in report.files}
    assert counts["Messages.csv"] == 25
    assert counts["Invitations.csv"] == 11
    assert counts["Positions.csv"] == 2
    assert counts["Shares.csv"] == 5
    assert report.added["ties"] == 41  # one connection tie per row of Connections.csv
    assert report.added["interactions"] == 25 + 11
    assert report.added["posts"] == 5
    assert report.added["people"] == 53
    assert [Path(u).name for u in report.unused] == ["Skills.csv"]
    with fresh_store.engine.connect() as c:
        me = c.execute(select(people.c.name, people.c.headline).where(people.c.is_self)).one()
        assert me.name == "Kabir Mehta"
        assert me.headline.startswith("A curious developer")
        # Shares.csv is UTF-16LE, tab-separated: its dates parse to UTC epoch seconds
        stored = sorted(c.execute(select(posts.c.at)).scalars())
    shares = shared("exports/linkedin_export_2018_pseudonymised/Shares.csv")
    rows = list(csv.DictReader(io.StringIO(shares.read_text("utf-16")), delimiter="\t"))
    by_hand = sorted(
        int(datetime.strptime(r["Date"], "%Y/%m/%d %H:%M:%S UTC").replace(tzinfo=UTC).timestamp())
        for r in rows
    )
    assert stored == by_hand and len(by_hand) == 5
    assert by_hand[-1] == 1496909744  # 2017/06/08 08:15:44 UTC


def test_2025_layout_with_notes_preamble(fresh_store):
    report = salon.import_paths(fresh_store, [shared("exports/linkedin_connections_2025_format")])
    assert report.added["ties"] == 1
    with fresh_store.engine.connect() as c:
        since = c.execute(select(ties.c.since)).scalar_one()
    assert since == 1766361600  # 22 Dec 2025, 00:00 UTC


def test_reimport_is_idempotent(fresh_store):
    salon.import_paths(fresh_store, [shared(EXPORT_2018)])
    before = data_counts(fresh_store)
    again = salon.import_paths(fresh_store, [shared(EXPORT_2018)])
    assert again.import_id is None
    assert not any(again.added.values())
    assert data_counts(fresh_store) == before


def test_zip_of_export_reads_the_same(fresh_store, tmp_path):
    archive = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in shared(EXPORT_2018).glob("*.csv"):
            z.write(f, f.name)
    report = salon.import_paths(fresh_store, [archive])
    assert report.added["interactions"] == 36


def _copy_export(tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(shared(EXPORT_2018), target)
    return target


def test_truncated_file_names_file_and_line_and_changes_nothing(fresh_store, tmp_path):
    export = _copy_export(tmp_path)
    connections = export / "Connections.csv"
    lines = connections.read_text().splitlines(keepends=True)
    connections.write_text("".join(lines[:7]) + "Ravi,Kumar,ravi@example.com\n")
    salon.import_paths(fresh_store, [shared("exports/linkedin_connections_2025_format")])
    before = data_counts(fresh_store)
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [export])
    assert str(error.value) == (
        f"Could not read '{connections}' line 8: expected 6 columns, found 3. "
        "The file looks truncated; download the export again."
    )
    assert data_counts(fresh_store) == before


def test_wrong_encoding_is_a_clear_error(fresh_store, tmp_path):
    export = _copy_export(tmp_path)
    messages = export / "Messages.csv"
    data = messages.read_bytes().replace(b"Hi Kabir", b"Hi K\xe9bir", 1)
    messages.write_bytes(data)
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [export])
    assert str(error.value) == (
        f"Could not read '{messages}' line 2: the text is not UTF-8 or UTF-16. "
        "Save the file as UTF-8 (as the service exported it) and import it again."
    )
    assert data_counts(fresh_store)["people"] == 0


def test_detect_needs_the_header(tmp_path):
    other = tmp_path / "Connections.csv"
    other.write_text("a,b,c\n1,2,3\n")
    assert not detect(input_files(other)[0])


def test_todays_messages_layout(fresh_store, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER\n"
        "2-abc,,Ana Ruiz,https://www.linkedin.com/in/ana-ruiz,Kira Hale,"
        "https://www.linkedin.com/in/kira-hale,2024-05-10 14:03:12 UTC,Coffee?,Hi Kira,INBOX\n"
    )
    report = salon.import_paths(fresh_store, [export])
    assert report.added["interactions"] == 1
    with fresh_store.engine.connect() as c:
        urls = set(
            c.execute(select(identities.c.value).where(identities.c.kind == "url")).scalars()
        )
    assert urls == {"linkedin.com/in/ana-ruiz", "linkedin.com/in/kira-hale"}


def test_a_connection_row_with_nothing_to_know_it_by_is_reported(fresh_store, tmp_path):
    """A row with only its date (no name, URL or e-mail) cannot be a person; the report says
    so, with the line, instead of the count quietly coming out one short."""
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ana,Ruiz,https://www.linkedin.com/in/ana-ruiz,,Acme,CTO,12 Mar 2024\n"
        ",,,,,,11 Mar 2024\n"
        "Bo,,https://www.linkedin.com/in/bo,,,,10 Mar 2024\n"
    )
    report = salon.import_paths(fresh_store, [path])
    assert report.added["ties"] == 2
    assert report.warnings == [
        f"'{path}': 1 connection(s) with no name, profile URL or e-mail (line 3) were left "
        "out: nothing tells who they are."
    ]
