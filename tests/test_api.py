import doctest

import salon
import salon.dates
import salon.model
from salon.importers.base import ImportOptions
from tests.conftest import shared


def test_public_api():
    assert sorted(salon.__all__) == sorted(
        [
            "ExportFormatError",
            "ImportOptions",
            "ImportReport",
            "SalonError",
            "SchemaVersionError",
            "Store",
            "StoreError",
            "UnknownExportError",
            "UnsafeInputError",
            "__version__",
            "import_paths",
            "open_store",
        ]
    )
    for name in salon.__all__:
        assert hasattr(salon, name)


def test_doctests():
    for module in (salon.dates, salon.model):
        assert doctest.testmod(module).failed == 0


def test_errors_form_one_tree():
    for error in (
        salon.ExportFormatError,
        salon.UnknownExportError,
        salon.UnsafeInputError,
        salon.SchemaVersionError,
        salon.StoreError,
    ):
        assert issubclass(error, salon.SalonError)


def test_a_file_read_before_is_skipped_unless_forced(fresh_store):
    vcards = shared("exports/vcard_vobject")
    first = salon.import_paths(fresh_store, [vcards])
    again = salon.import_paths(fresh_store, [vcards])
    assert again.import_id is None and again.files == []
    assert sorted(again.skipped) == sorted(f.file for f in first.files)
    forced = salon.import_paths(fresh_store, [vcards], options=ImportOptions(force=True))
    assert len(forced.files) == len(first.files) and forced.import_id is None
