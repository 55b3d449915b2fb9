"""Files the fuzzer found crashing an importer, kept as plain tests of the fix."""

from __future__ import annotations

import gc
import gzip

import pytest

import salon
from salon.errors import ExportFormatError, UnsafeInputError
from tests.conftest import ROOT, data_counts

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
