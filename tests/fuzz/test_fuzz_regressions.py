"""Files the fuzzer found crashing an importer, kept as plain tests of the fix."""

from __future__ import annotations

import gc
import gzip
import json
import zipfile

import pytest

import salon
from salon.errors import ExportFormatError, SalonError, UnsafeInputError
from tests.conftest import ROOT, SHARED, data_counts

_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\n"
    "BEGIN:VEVENT\r\n{}END:VEVENT\r\nEND:VCALENDAR\r\n"
)


_S = "UID:a\r\nDTSTART:20240401T100000Z\r\n"


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        # A property given twice becomes a list: 'list' object has no attribute 'dt' / 'get',
        # unhashable type: 'list'.
        (_S + "DTSTART:20240402T100000Z\r\n", "has DTSTART more than once"),
        (_S + "DTEND:20240401T110000Z\r\nDTEND:20240401T120000Z\r\n", "DTEND more than once"),
        (_S + "RRULE:FREQ=DAILY;COUNT=3\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n", "RRULE more"),
        ("UID:b\r\n" + _S + "RRULE:FREQ=DAILY;COUNT=3\r\n", "has UID more than once"),
        (_S + "RECURRENCE-ID:20240401T100000Z\r\nRECURRENCE-ID:20240402T1000Z\r\n", "RECURRENCE"),
        # A rule icalendar cannot parse (BrokenCalendarProperty on access).
        (_S + "RRULE:FREQ=DAILY;UNTIL=2024\r\n", "broken iCalendar"),
    ],
)
def test_a_damaged_calendar_is_refused_naming_the_file(fresh_store, tmp_path, lines, problem):
    path = tmp_path / "calendar.ics"
    path.write_bytes(_EVENT.format(lines).encode())
    before = data_counts(fresh_store)
    with pytest.raises(ExportFormatError, match=problem) as refused:
        salon.import_paths(fresh_store, [path])
    assert str(path) in str(refused.value)
    assert data_counts(fresh_store) == before


def _mbox_gz(path, *, bomb: bool):
    mbox = (ROOT / "tests" / "data" / "sample.mbox").read_bytes()
    if bomb:  # 4 MiB of one letter compresses over 200 times: refused as a bomb midway
        packed = gzip.compress(mbox + b"A" * ((4 << 20) + 16), compresslevel=1)
    else:  # the end of the stream missing
        packed = gzip.compress(mbox)[:-20]
    path.write_bytes(packed)
    return path


@pytest.mark.parametrize(("bomb", "error"), [(True, UnsafeInputError), (False, ExportFormatError)])
def test_a_refused_mbox_gz_leaves_no_copy_behind(fresh_store, tmp_path, bomb, error):
    """The mail importer copies a .gz out to read it; refused midway (a bomb, a damaged
    stream) it left the copy to the garbage collector (ResourceWarning) or crashed (EOFError)."""
    path = _mbox_gz(tmp_path / "mail.mbox.gz", bomb=bomb)
    with pytest.raises(error) as refused:
        salon.import_paths(fresh_store, [path])
    assert str(path) in str(refused.value)
    assert data_counts(fresh_store) == {k: 0 for k in data_counts(fresh_store)}
    gc.collect()  # an implicit clean-up would warn here (warnings are errors in the suite)


def _zip_with(path, name: str, data: bytes, *, flip_at: float | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"data/{name}", data)
    if flip_at is not None:
        packed = bytearray(path.read_bytes())
        packed[int(flip_at * len(packed))] ^= 1
        path.write_bytes(bytes(packed))
    return path


@pytest.mark.parametrize(
    ("name", "flip_at"),
    [
        ("outlook_calendar.ics", 0.75),  # the member's flags say encrypted (RuntimeError)
        ("outlook_calendar.ics", 0.5),  # its deflate stream damaged (zlib.error, BadZipFile)
        ("contacts.vcf", 0.05),  # its local header damaged (BadZipFile: bad magic number)
        ("google_contacts_2024.csv", 0.5),  # a CSV member damaged mid-stream
    ],
)
def test_a_damaged_zip_member_is_refused_naming_it(fresh_store, tmp_path, name, flip_at):
    data = (ROOT / "tests" / "data" / name).read_bytes()
    path = _zip_with(tmp_path / "export.zip", name, data, flip_at=flip_at)
    try:
        salon.import_paths(fresh_store, [path])
    except SalonError as exc:
        assert str(path) in str(exc)
        assert data_counts(fresh_store) == {k: 0 for k in data_counts(fresh_store)}


@pytest.mark.parametrize(
    "name", ["contacts.vcf", "outlook_calendar.ics", "sample.mbox", "edges_from_to.txt"]
)
@pytest.mark.parametrize("cut", [10, 0.5])
def test_a_damaged_gz_is_refused_naming_it(fresh_store, tmp_path, name, cut):
    """A .gz whose header is damaged or whose stream ends early raised OSError or EOFError
    from whole-document readers and from the content hash."""
    packed = bytearray(gzip.compress((ROOT / "tests" / "data" / name).read_bytes()))
    if isinstance(cut, int):
        packed[cut] ^= 0xFF
    else:
        packed = packed[: int(cut * len(packed))]
    path = tmp_path / f"{name}.gz"
    path.write_bytes(bytes(packed))
    with pytest.raises(SalonError) as refused:
        salon.import_paths(fresh_store, [path])
    assert str(path) in str(refused.value)


def test_a_car_gz_cut_short_is_refused(fresh_store, tmp_path):
    car = SHARED / "exports" / "bluesky_car_indigo" / "greenground.repo.car"
    if not car.exists():
        pytest.skip(f"{car} is missing")
    path = tmp_path / "repo.car.gz"
    path.write_bytes(gzip.compress(car.read_bytes())[:-30])
    with pytest.raises(ExportFormatError, match="damaged") as refused:
        salon.import_paths(fresh_store, [path])
    assert str(path) in str(refused.value)


_OUTBOX = {
    "@context": "https://www.w3.org/ns/activitystreams",
    "type": "OrderedCollection",
    "orderedItems": [
        {
            "id": "https://social.example/users/ana/statuses/1/activity",
            "type": "Create",
            "actor": "https://social.example/users/ana",
            "published": "2023-01-03T10:00:00Z",
            "object": {
                "id": "https://social.example/users/ana/statuses/1",
                "type": "Note",
                "content": "<p>Hello</p>",
                "tag": [{"type": "Hashtag", "name": "#salon"}],
            },
        }
    ],
}


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("tag", 1),  # 'int' object is not iterable
        ("content", True),  # can only concatenate str (not "bool") to str
        ("content", ["<p>a</p>"]),
        ("id", {"a": 1}),
        ("published", "yesterday"),  # parse_time's ValueError
        ("published", 1672740000),
    ],
)
def test_a_mastodon_outbox_with_wrong_types(fresh_store, tmp_path, where, value):
    outbox = json.loads(json.dumps(_OUTBOX))
    item = outbox["orderedItems"][0]
    (item if where == "published" else item["object"])[where] = value
    path = tmp_path / "outbox.json"
    path.write_text(json.dumps(outbox))
    try:
        salon.import_paths(fresh_store, [path])
    except ExportFormatError as exc:
        assert str(path) in str(exc)
        assert data_counts(fresh_store) == {k: 0 for k in data_counts(fresh_store)}


def test_undecodable_text_in_a_gz_cut_short(fresh_store, tmp_path):
    """Finding the line of an undecodable byte read the file again, and a .gz cut short
    raised there (OSError: the compressed data ends early)."""
    data = b"\xc7" + (ROOT / "tests" / "data" / "google_contacts_2024.csv").read_bytes()[1:]
    path = tmp_path / "google_contacts_2024.csv.gz"
    path.write_bytes(gzip.compress(data)[:-1])
    with pytest.raises(SalonError) as refused:
        salon.import_paths(fresh_store, [path])
    assert str(path) in str(refused.value)


@pytest.mark.parametrize("name", ["edges_from_to.txt", "google_contacts_2024.csv"])
def test_a_zip_member_that_cannot_be_opened(fresh_store, tmp_path, name):
    """A member whose local header is damaged fails when opened, before any line is read:
    line readers raised BadZipFile (then OSError) from there."""
    data = (ROOT / "tests" / "data" / name).read_bytes()
    path = _zip_with(tmp_path / "export.zip", name, data)
    packed = bytearray(path.read_bytes())
    packed[0] ^= 1  # the member's local header signature: "Bad magic number for file header"
    path.write_bytes(bytes(packed))
    with pytest.raises(SalonError) as refused:
        salon.import_paths(fresh_store, [path])
    assert str(path) in str(refused.value)


@pytest.mark.parametrize(
    ("name", "document"),
    [
        # 'bool' object has no attribute 'get'
        ("profile.js", [{"profile": {"description": True}}]),
        ("profile.js", [{"profile": {"description": {"bio": ["a"], "location": 3}}}]),
        ("like.js", [{"like": {"tweetId": "1" + "9" * 5000, "fullText": {"a": 1}}}]),
        ("like.js", [{"like": {"tweetId": "²³", "expandedUrl": 7}}]),
        ("tweets.js", [{"tweet": {"id_str": "5", "entities": [], "full_text": 1}}]),
        ("tweets.js", [{"tweet": {"id_str": "5", "entities": {"hashtags": 1}}}]),
        ("tweets.js", [{"tweet": {"id_str": "5", "entities": {"user_mentions": [1, None]}}}]),
        ("tweets.js", [{"tweet": {"id_str": {"a": 1}}}]),
        ("tweets.js", [{"tweet": {"id_str": "5", "created_at": "the day before"}}]),
        ("tweets.js", [{"tweet": {"id_str": "5", "created_at": 17}}]),
        ("account.js", [{"account": {"accountId": "1", "email": ["a@b.c"]}}]),
    ],
)
def test_an_x_archive_with_wrong_types(fresh_store, tmp_path, name, document):
    kind = name.removesuffix(".js")
    path = tmp_path / name
    path.write_text(f"window.YTD.{kind}.part0 = {json.dumps(document)}")
    try:
        salon.import_paths(fresh_store, [path])
    except ExportFormatError as exc:
        assert str(path) in str(exc)
        assert data_counts(fresh_store) == {k: 0 for k in data_counts(fresh_store)}


def test_a_bluesky_record_with_a_damaged_date(fresh_store, tmp_path):
    """A flipped byte in a record's createdAt (the CAR still decodes) raised ValueError."""
    car = SHARED / "exports" / "bluesky_car_indigo" / "greenground.repo.car"
    if not car.exists():
        pytest.skip(f"{car} is missing")
    data = car.read_bytes()
    at = data.index(b"createdAt") + len(b"createdAt") + 2  # past the CBOR text header
    path = tmp_path / "repo.car"
    path.write_bytes(data[:at] + b"#" + data[at + 1 :])
    with pytest.raises(ExportFormatError, match="unrecognised time") as refused:
        salon.import_paths(fresh_store, [path])
    assert str(path) in str(refused.value)
    assert data_counts(fresh_store) == {k: 0 for k in data_counts(fresh_store)}


def test_an_encoded_word_naming_a_garbled_charset(fresh_store, tmp_path):
    """``=?\\xf5tf-8?q?…?=``: decode_header passes the charset on, make_header raised
    email.errors.CharsetError (neither HeaderParseError nor LookupError)."""
    mbox = (ROOT / "tests" / "data" / "gmail_takeout.mbox").read_bytes()
    assert b"=?utf-8?q?" in mbox
    path = tmp_path / "mail.mbox"
    path.write_bytes(mbox.replace(b"=?utf-8?q?", b"=?\xf5tf-8?q?", 1))
    report = salon.import_paths(fresh_store, [path])
    assert report.added["people"] > 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # json.loads raises ValueError (not JSONDecodeError) past 4300 digits
        ("tweets.js", b"window.YTD.tweets.part0 =" + b"9" * 70_000),
        ("outbox.json", b'{"orderedItems": [' + b"1" * 5_000 + b"]}"),
        # and RecursionError for deep nesting
        ("outbox.json", b"[" * 100_000),
        ("posts.jsonl", b"[" * 10_000 + b"\n"),
    ],
)
def test_json_no_export_writes(fresh_store, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SalonError) as refused:
        salon.import_paths(fresh_store, [path], source={"posts.jsonl": "posts"}.get(name))
    assert str(path) in str(refused.value)
