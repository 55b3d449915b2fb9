"""Hostile files are refused (or bounded) quickly, in bounded memory, with the store unchanged.

Each file is generated here, small on disk; the import runs in a subprocess that reports its
peak memory, as a user's `salon import` would.
"""

import gzip
import io
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

import salon
from salon.errors import UnsafeInputError
from tests.conftest import data_counts

#: Peak resident memory allowed for refusing any hostile file (the issue's target).
PEAK_MB = 300
_RUN = """
import sys, json
import salon
from salon.errors import SalonError
store = salon.open_store(sys.argv[1])
outcome = "imported"
try:
    report = salon.import_paths(store, sys.argv[2:])
    outcome = "imported: " + " | ".join(report.warnings)
except SalonError as exc:
    outcome = "refused: " + str(exc)
status = open("/proc/self/status").read().split("VmHWM:")[1]  # peak RSS of this program
peak = int(status.split()[0]) / 1024
print(json.dumps({"outcome": outcome, "peak_mb": peak}))
"""


def _import(tmp_path: Path, *paths: Path) -> tuple[str, float, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(tmp_path / "s.db"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["outcome"], result["peak_mb"], seconds


def _edges_gz(path: Path, megabytes: int) -> Path:
    """An edge list of two long ids a line, compressed about 1,000 times."""
    chunk = (b"1" * 511 + b" " + b"2" * 511 + b"\n") * (1 << 10)
    with gzip.open(path, "wb", compresslevel=9) as out:
        for _ in range(megabytes):
            out.write(chunk)
    return path


def test_a_line_without_end_is_refused(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_bytes(b"1 2 1341100972\n" + b"9" * (54 << 20))
    outcome, peak, seconds = _import(tmp_path, path)
    assert outcome.startswith("refused: '") and "line 2 is longer than 4 Mi characters" in outcome
    assert peak < PEAK_MB and seconds < 10


def test_a_gzip_bomb_is_refused_while_streaming(tmp_path):
    path = _edges_gz(tmp_path / "edges.txt.gz", 200)  # 200 MiB in ~0.2 MB
    outcome, peak, seconds = _import(tmp_path, path)
    assert "looks like a compression bomb" in outcome
    assert peak < PEAK_MB and seconds < 10


def test_a_tar_bomb_is_refused_from_its_headers(tmp_path):
    path = tmp_path / "archive.tar.gz"
    data = b"\0" * (100 << 20)
    with tarfile.open(path, "w:gz", compresslevel=1) as archive:
        info = tarfile.TarInfo("outbox.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    del data
    outcome, peak, seconds = _import(tmp_path, path)
    assert outcome.startswith("refused: ") and "Unpack it yourself" in outcome
    assert peak < PEAK_MB and seconds < 10


def test_a_calendar_repeating_every_second_is_cut_at_the_cap(tmp_path):
    path = tmp_path / "bomb.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n"
        "BEGIN:VEVENT\r\nUID:every-second\r\nDTSTART:19700101T000000Z\r\n"
        "DTEND:19700101T000001Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:tick\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:every-minute\r\nDTSTART:20240101T000000Z\r\n"
        "RRULE:FREQ=MINUTELY;UNTIL=99991231T000000Z\r\nSUMMARY:tock\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    outcome, peak, seconds = _import(tmp_path, path)
    assert "Series 'every-second' repeats more than 500 times" in outcome
    assert "Series 'every-minute' repeats more than 500 times" in outcome
    assert peak < PEAK_MB and seconds < 10
    with salon.open_store(str(tmp_path / "s.db")) as store:
        assert data_counts(store)["meetings"] == 1000


def test_a_huge_csv_field_says_what_to_do(fresh_store, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text('id,author,text\n1,ana,"' + "x" * (5 << 20) + '"\n')
    with pytest.raises(salon.ExportFormatError, match="longer than 4 Mi characters") as error:
        salon.import_paths(fresh_store, [path])
    assert "A quote is probably missing" in str(error.value)
    assert not any(data_counts(fresh_store).values())


def test_a_document_too_large_is_refused_before_it_is_read(fresh_store, tmp_path, monkeypatch):
    from salon.importers import files

    monkeypatch.setattr(files, "MAX_DOCUMENT_BYTES", 1 << 20)
    archive = tmp_path / "actor.json"
    archive.write_text(json.dumps({"type": "Person", "padding": "x" * (2 << 20)}))
    opened = []
    real = files.InputFile.open

    def spy(self):  # type: ignore[no-untyped-def]
        opened.append(self.name)
        return real(self)

    monkeypatch.setattr(files.InputFile, "open", spy)
    with pytest.raises(UnsafeInputError, match="larger than 1 MiB"):
        files.read_bytes(files.input_files(archive)[0])
    assert opened == []
