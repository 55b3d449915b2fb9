import pytest

from salon.dates import iso, parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2004", "2004-01-01T00:00:00Z"),  # Education.csv's years are years, not 1970
        ("2018-06", "2018-06-01T00:00:00Z"),
        ("2018-06-01", "2018-06-01T00:00:00Z"),
        ("1341100972", "2012-07-01T00:02:52Z"),
        ("22 Dec 2025", "2025-12-22T00:00:00Z"),
    ],
)
def test_dates_and_epochs(text, expected):
    assert iso(parse_time(text)) == expected


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e30", "9" * 50, "tomorrow"])
def test_what_is_not_a_time_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_time(text)
