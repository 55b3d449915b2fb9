import doctest

import salon
import salon.dates
import salon.model


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
