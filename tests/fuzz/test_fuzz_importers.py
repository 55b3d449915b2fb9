"""Fuzzing every importer with mutations of real exports.

Each example takes a real fixture of one importer, mutates it (truncation, byte flips, inserted
and deleted bytes, wrong types in JSON, huge fields, another encoding), maybe wraps it in a zip
or a ``.gz``, and imports it into its own copy of a store that already holds an import. The only
outcomes allowed: the import succeeds, or it raises :class:`~salon.errors.ExportFormatError`,
:class:`~salon.errors.UnsafeInputError`, :class:`~salon.errors.UnknownExportError` (or another
:class:`~salon.errors.SalonError`) whose message names the file, with the store as it was.

The regular suite runs a few examples per importer; ``make fuzz`` runs the long campaign
(``HYPOTHESIS_PROFILE=fuzz``, see ``tests/fuzz/campaign.py``).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase
from sqlalchemy import text

import salon
from salon.errors import SalonError
from salon.store.queries import stats
from tests.conftest import ROOT, SHARED
from tests.fuzz import tally

DATA = ROOT / "tests" / "data"
EXPORTS = SHARED / "exports"


class _WriteOnly(ExampleDatabase):
    """Keeps what the campaign finds (for the regular suite to replay) without replaying it:
    a campaign run spends its time looking for new failures, not re-finding a known one."""

    def __init__(self, db: ExampleDatabase):
        super().__init__()
        self._db = db

    def save(self, key: bytes, value: bytes) -> None:
        self._db.save(key, value)

    def fetch(self, key: bytes):  # type: ignore[no-untyped-def]
        return iter(())

    def delete(self, key: bytes, value: bytes) -> None:
        pass

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        self._db.save(dest, value)


FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
_DATABASE = DirectoryBasedExampleDatabase(ROOT / ".pytest_cache" / "salon-fuzz-examples")
_COMMON = {
    "deadline": None,
    "database": _WriteOnly(_DATABASE) if FUZZ else _DATABASE,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
}
settings.register_profile("salon-fuzz-regular", max_examples=30, **_COMMON)
settings.register_profile(
    "salon-fuzz",
    max_examples=int(os.environ.get("SALON_FUZZ_EXAMPLES", "100000")),
    **_COMMON,
)
PROFILE = settings.get_profile("salon-fuzz" if FUZZ else "salon-fuzz-regular")


#: Fixtures made here, shared by every run (one folder, not one a process).
_FIXTURES = Path(tempfile.gettempdir()) / f"salon-fuzz-fixtures-{os.getuid()}"


def _write_once(path: Path, data: bytes) -> None:
    """Write a made fixture aside and rename it: runs side by side never read half of one."""
    path.parent.mkdir(exist_ok=True)
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    part.write_bytes(data)
    os.replace(part, path)


def _generated(name: str) -> Path:
    """Posts files made from real Hacker News items (no posts fixture is an export as such)."""
    path = _FIXTURES / name
    if path.exists():
        return path
    items = []
    for item in sorted((SHARED / "api_samples" / "hackernews").rglob("*item_*.json")):
        data = json.loads(item.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "by" in data:
            items.append(data)
    if not items:  # the shared data is absent: a small hand-written thread
        items = [
            {"id": 1, "by": "ana", "time": 1714557600, "text": "Where? @ben"},
            {"id": 2, "by": "ben", "time": 1714557700, "text": "Here.", "parent": 1},
        ]
    rows = [
        {
            "id": str(i["id"]),
            "author": i["by"],
            "time": i.get("time"),
            "text": i.get("text", i.get("title", "")),
            "reply_to": str(i["parent"]) if "parent" in i else None,
            "channel": "hn",
            "tags": [i.get("type", "story")],
        }
        for i in items
    ]
    if name.endswith(".jsonl"):
        _write_once(path, ("\n".join(json.dumps(r) for r in rows) + "\n").encode())
    else:
        lines = ["id,author,time,text,reply_to,channel,tags"]
        for r in rows:
            body = r["text"].replace('"', '""')
            lines.append(
                f'{r["id"]},{r["author"]},{r["time"]},"{body}",{r["reply_to"] or ""},hn,'
                f"{r['tags'][0]}"
            )
        _write_once(path, ("\n".join(lines) + "\n").encode())
    return path


def _head(source: Path, lines: int, name: str) -> Path:
    """The first lines of a large real data set, as a fixture of its own."""
    path = _FIXTURES / name
    if not path.exists():
        with open(source, "rb") as src:
            _write_once(path, b"".join(src.readline() for _ in range(lines)))
    return path


def _graph_file(name: str) -> Path:
    """email-Eu-core's first 200 edges in a graph format (by ``name``'s extension), as
    networkx writes it, with a weight and a time on each edge."""
    import networkx as nx

    path = _FIXTURES / name
    if not path.exists():
        words = (SHARED / "email_eu_core" / "email-Eu-core.txt").read_text().split()
        graph = nx.DiGraph()
        for n, (s, d) in enumerate(zip(words[0:400:2], words[1:400:2], strict=True)):
            graph.add_edge(s, d, weight=1 + n % 3, time=1_300_000_000 + n)
        write = {
            ".graphml": nx.generate_graphml,
            ".gml": nx.generate_gml,
            ".gexf": nx.generate_gexf,
        }[Path(name).suffix]
        _write_once(path, "\n".join(write(graph)).encode() + b"\n")
    return path


LINKEDIN = EXPORTS / "linkedin_export_2018_pseudonymised"
X_LARS = EXPORTS / "twitter_archive_larsbrinkhoff" / "2023-08-20"
DOGSHEEP = EXPORTS / "twitter_archive_dogsheep_fixtures"
FIXTURES: dict[str, list[Any]] = {
    "linkedin": [
        LINKEDIN / "Connections.csv",
        LINKEDIN / "Messages.csv",
        LINKEDIN / "Invitations.csv",
        LINKEDIN / "Profile.csv",
        EXPORTS / "linkedin_connections_2025_format" / "Connections.csv",
    ],
    "x": [
        DATA / "x_2023" / "data" / "tweets.js",
        DATA / "x_2023" / "data" / "follower.js",
        DATA / "x_2023" / "data" / "like.js",
        DATA / "x_2023" / "data" / "manifest.js",
        DATA / "x_2019" / "data" / "tweet.js",
        DOGSHEEP / "account.js",
        DOGSHEEP / "following.js",
        DOGSHEEP / "tweets_api_v1.json",
        X_LARS / "profile.js",
    ],
    "mastodon": [
        DATA / "mastodon_44" / "outbox.json",
        DATA / "mastodon_44" / "actor.json",
        DATA / "mastodon_44" / "likes.json",
        DATA / "mastodon_44" / "bookmarks.json",
        DATA / "mastodon_3x" / "outbox.json",
        DATA / "lists.csv",
        DATA / "following_accounts.csv",
    ],
    "bluesky": [
        EXPORTS / "bluesky_car_indigo" / "greenground.repo.car",
        EXPORTS / "bluesky_car_indigo" / "bnewbold.robocracy.org.20250310005405.car",
    ],
    "contacts": [
        DATA / "contacts.vcf",
        DATA / "contacts_android_v21.vcf",
        DATA / "contacts_google_v40.vcf",
        DATA / "google_contacts_2024.csv",
        DATA / "google_contacts_2022.csv",
        EXPORTS / "vcard_vobject" / "vcard40_full.vcf",
        EXPORTS / "vcard_vobject" / "radicale-1587.vcf",
    ],
    "calendar": [
        DATA / "outlook_calendar.ics",
        DATA / "google_calendar_2024-04-01.ics",
        EXPORTS / "ics_calendars" / "icalendar_property_params.ics",
        EXPORTS / "ics_calendars" / "icalendar_rfc_7256_multi_value_parameters.ics",
        EXPORTS / "ics_calendars" / "machbar_16_feb_2019.ics",
    ],
    "mail": [
        DATA / "sample.mbox",
        DATA / "gmail_takeout.mbox",
        DATA / "salon-users" / "2024-January.txt",
    ],
    "posts": [lambda: _generated("posts.jsonl"), lambda: _generated("posts.csv")],
    "edges": [
        DATA / "edges_from_to.txt",
        lambda: _head(SHARED / "collegemsg" / "CollegeMsg.txt", 300, "CollegeMsg.txt"),
        lambda: _head(
            SHARED / "digg_reply_konect" / "out.munmun_digg_reply", 200, "out.munmun_digg_reply"
        ),
    ],
    "graphs": [
        lambda: _graph_file("email-eu-core.graphml"),
        lambda: _graph_file("email-eu-core.gml"),
        lambda: _graph_file("email-eu-core.gexf"),
    ],
}
#: Imported into every example's store first, so that "unchanged" means something.
BASELINE = DATA / "contacts_ios_v30.vcf"


@cache
def _fixtures(importer: str) -> tuple[Path, ...]:
    found = []
    for entry in FIXTURES[importer]:
        try:
            path = entry() if callable(entry) else entry
        except OSError:
            continue
        if path.exists():
            found.append(path)
    return tuple(found)


@cache
def _content(path: Path) -> bytes:
    return path.read_bytes()


# -- mutations --------------------------------------------------------------------------------

_TOKENS = [
    b"\x00",
    b"\n",
    b"\r",
    b"\r\n",
    b'"',
    b",",
    b";",
    b":",
    b"\t",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\\",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"-1",
    b"99999999999999999999999",
    b"1e308",
    b"NaN",
    b"null",
    b"true",
    b"=?utf-8?q?",
    b"From ",
    b"BEGIN:VEVENT\r\n",
    b"END:VEVENT\r\n",
    b"BEGIN:VCARD\r\n",
    b"END:VCARD\r\n",
    b"BEGIN:VCALENDAR\r\n",
    b"RRULE:FREQ=SECONDLY\r\n",
    b"DTSTART:99990101T000000Z\r\n",
    b"DTSTART:00000101\r\n",
    b"TZID=Nowhere/Else:",
    b"window.YTD.tweets.part0 = ",
    b"@",
    b"mailto:",
    b"at://",
    b"did:",
]
_HUGE = [70_000, 1 << 20, (4 << 20) + 16]
_WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["", "-1", "2024-13-45T99:99:99Z", "@", "at://", "did:", "1e999", "x" * 70]),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.integers()), max_size=3),
)
_PREFIX = re.compile(rb"^\s*window\.YTD\.[\w.]+\s*=\s*")


def _nodes(value: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every place in a JSON document as (container, key or index)."""
    if isinstance(value, dict):
        for key in value:
            out.append((value, key))
            _nodes(value[key], out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.append((value, i))
            _nodes(item, out)
    return out


def _json_parts(data: bytes) -> tuple[bytes, Any] | None:
    match = _PREFIX.match(data)
    prefix = match.group(0) if match else b""
    try:
        return prefix, json.loads(data[len(prefix) :])
    except (ValueError, RecursionError):
        return None


@st.composite
def _mutate(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(
        st.sampled_from(
            ["truncate", "flip", "insert", "delete", "duplicate", "json", "huge", "encoding"]
        )
    )
    size = len(data)
    at = draw(st.integers(0, size))
    if kind == "truncate":
        return data[:at]
    if kind == "flip" and size:
        buffer = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            buffer[draw(st.integers(0, size - 1))] ^= draw(st.integers(1, 255))
        return bytes(buffer)
    if kind == "insert":
        inserted = draw(st.one_of(st.sampled_from(_TOKENS), st.binary(min_size=1, max_size=32)))
        return data[:at] + inserted + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 512)) :]
    if kind == "duplicate":
        end = min(size, at + draw(st.integers(1, 4096)))
        return data[:end] + data[at:end] * draw(st.integers(1, 50)) + data[end:]
    if kind == "json":
        parts = _json_parts(data)
        if parts is not None:
            prefix, document = parts
            nodes = _nodes(document, [])
            if not nodes:
                document = draw(_WEIRD)
            else:
                container, key = nodes[draw(st.integers(0, len(nodes) - 1))]
                if draw(st.booleans()):
                    container[key] = draw(_WEIRD)
                elif isinstance(container, dict):
                    del container[key]
                else:
                    container[key] = [container[key]] if draw(st.booleans()) else {}
            return prefix + json.dumps(document).encode()
    if kind == "huge":
        filler = draw(st.sampled_from([b"A", b"9", b" ", b'"', b"\xc3\xa9", b"a,"]))
        count = draw(st.sampled_from(_HUGE))
        return data[:at] + filler * (count // len(filler)) + data[at:]
    if kind == "encoding":
        decoded = data.decode("utf-8", "replace")
        encoding = draw(st.sampled_from(["latin-1", "cp1252", "utf-16-le", "utf-16-be"]))
        return decoded.encode(encoding, "replace")
    return data + b"\x00"


@dataclass
class Case:
    fixture: Path
    content: bytes
    container: str
    forced: bool
    damage: tuple[str, float, int] | None = None
    """A zip or .gz itself damaged: ``(truncate|flip, where as a fraction, xor mask)``."""


@st.composite
def cases(draw: st.DrawFn, importer: str) -> Case:
    fixture = draw(st.sampled_from(_fixtures(importer)))
    data = _content(fixture)
    for _ in range(draw(st.integers(1, 3))):
        data = draw(_mutate(data))
    container = draw(st.sampled_from(["file", "file", "file", "zip", "gz"]))
    damage = None
    if container != "file" and draw(st.integers(0, 3)) == 0:
        damage = draw(
            st.tuples(st.sampled_from(["truncate", "flip"]), st.floats(0, 1), st.integers(1, 255))
        )
    return Case(fixture, data, container, draw(st.booleans()), damage)


def _damaged(data: bytes, damage: tuple[str, float, int] | None) -> bytes:
    if damage is None or not data:
        return data
    kind, where, mask = damage
    at = min(int(where * len(data)), len(data) - 1)
    if kind == "truncate":
        return data[:at]
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


def _write(case: Case, folder: Path) -> Path:
    name = case.fixture.name
    if case.container == "zip":
        path = folder / "export.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"data/{name}", case.content)
        path.write_bytes(_damaged(path.read_bytes(), case.damage))
        return path
    if case.container == "gz":
        path = folder / f"{name}.gz"
        path.write_bytes(_damaged(gzip.compress(case.content, compresslevel=1), case.damage))
        return path
    path = folder / name
    path.write_bytes(case.content)
    return path


# -- the store each example starts from ------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one import, copied for each example."""
    path = tmp_path_factory.mktemp("template") / "salon.db"
    with salon.open_store(str(path)) as store:
        salon.import_paths(store, [BASELINE])
    return path


def check(case: Case, importer: str, template: Path) -> None:
    """Import one mutated file; fail unless it is read or refused cleanly, the store intact."""
    tally.count(importer)
    folder = Path(tempfile.mkdtemp(prefix="salon-fuzz-"))
    try:
        db = folder / "salon.db"
        shutil.copyfile(template, db)
        db.chmod(0o600)
        (folder / "in").mkdir()
        path = _write(case, folder / "in")
        with salon.open_store(str(db)) as store:
            before = stats(store)
            try:
                salon.import_paths(store, [path], source=importer if case.forced else None)
            except SalonError as exc:
                assert str(path) in str(exc), f"the message does not name {path}: {exc}"
                assert stats(store) == before, "the store changed after an error"
            with store.engine.connect() as connection:
                assert connection.execute(text("PRAGMA quick_check")).scalar() == "ok"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


IMPORTERS = list(FIXTURES)


# A failing example is printed whole (a mutated file can be 4 MiB): that is the reproducer.
@pytest.mark.filterwarnings(
    "ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"
)
@pytest.mark.parametrize("importer", IMPORTERS)
def test_mutated_exports_import_or_fail_cleanly(importer: str, template: Path) -> None:
    if not _fixtures(importer):
        pytest.skip(f"no fixture of the {importer} importer is present")

    @PROFILE
    @given(cases(importer))
    def run(case: Case) -> None:
        check(case, importer, template)

    run()
