import pytest

from salon.dates import epoch_text, from_epoch, iso, parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2004", "2004-01-01T00:00:00Z"),  # Education.csv's years are years, not 1970
        ("2018-06", "2018-06-01T00:00:00Z"),
        ("2018-06-01", "2018-06-01T00:00:00Z"),
        ("1341100972", "2012-07-01T00:02:52Z"),
        ("22 Dec 2025", "2025-12-22T00:00:00Z"),
        # LinkedIn's month-first "M/D/YY, h:mm AM", and the same with a four-digit year
        ("1/8/18, 6:14 PM", "2018-01-08T18:14:00Z"),
        ("11/4/2018, 9:05 PM", "2018-11-04T21:05:00Z"),
        ("1/8/2018, 6:14 AM", "2018-01-08T06:14:00Z"),
    ],
)
def test_dates_and_epochs(text, expected):
    assert iso(parse_time(text)) == expected


# "12-Mar-24" (Excel's d-mmm-yy display) is written by none of the exports read here
@pytest.mark.parametrize(
    "text", ["inf", "-inf", "nan", "1e30", "9" * 50, "tomorrow", "12-Mar-24", "13/4/2018, 9:05 PM"]
)
def test_what_is_not_a_time_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e30, 10**40])
def test_numbers_outside_years_1_to_9999_are_no_epoch(value):
    with pytest.raises(ValueError):
        from_epoch(value)


@pytest.mark.parametrize("text", ["9" * 21, "9" * 5000, "253402300800", "12a", "1.5", ""])
def test_digit_strings_are_bounded_epochs(text):
    with pytest.raises(ValueError):
        epoch_text(text)


def test_epochs_in_range():
    assert from_epoch(1714557600.9) == 1714557600
    assert epoch_text("1341100972") == 1341100972
    assert epoch_text("2004") == 2004  # digits here are seconds, never a year
    assert epoch_text("-86400") == -86400
