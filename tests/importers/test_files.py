import zipfile

import pytest

import salon
from salon.importers import files
from salon.importers.files import input_files


def test_unknown_zip_is_refused_with_advice(fresh_store, tmp_path):
    archive = tmp_path / "takeout.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Takeout/notes.html", "<html></html>")
    with pytest.raises(salon.UnknownExportError) as error:
        salon.import_paths(fresh_store, [archive])
    assert str(error.value) == (
        f"Could not recognise '{archive}': no known export layout found. "
        "Pass --source, or run 'salon sources' to list importers."
    )


def test_damaged_zip(fresh_store, tmp_path):
    archive = tmp_path / "export.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(salon.SalonError):
        salon.import_paths(fresh_store, [archive])


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Connections.csv", b"0" * (2 << 20))
    monkeypatch.setattr(files, "MAX_ZIP_EXPANDED_BYTES", 1 << 20)
    with pytest.raises(salon.UnsafeInputError) as error:
        input_files(archive)
    assert str(error.value).startswith(f"'{archive}' expands to 2 MiB")


def test_highly_compressed_member_is_refused(tmp_path, monkeypatch):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("tweets.js", b" " * (70 << 20))
    with pytest.raises(salon.UnsafeInputError) as error:
        input_files(archive)
    assert "which looks like a zip bomb. It was not read." in str(error.value)


def test_giant_single_line_is_refused(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_LINE_CHARS", 1000)
    path = tmp_path / "posts.jsonl"
    path.write_text('{"id": "1", "author": "a", "text": "' + "x" * 5000 + '"}\n')
    with pytest.raises(salon.UnsafeInputError) as error:
        salon.import_paths(fresh_store, [path], source="posts")
    assert str(error.value) == (
        f"'{path}' line 1 is longer than 0 Mi characters, which no export writes; "
        "it was not read. Check that this is the file you meant."
    )


def test_missing_path(fresh_store, tmp_path):
    with pytest.raises(salon.SalonError) as error:
        salon.import_paths(fresh_store, [tmp_path / "nope.zip"])
    assert str(error.value) == (
        f"No such file or folder: '{tmp_path / 'nope.zip'}'. Check the path and try again."
    )


def test_gz_file_is_read_through(tmp_path):
    import gzip

    path = tmp_path / "edges.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write("1 2\n")
    (file,) = input_files(path)
    assert file.basename == "edges.txt"
    assert file.head() == b"1 2\n"
