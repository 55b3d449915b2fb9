"""salon.reporting: long stages report to the listener of the innermost block, else nobody."""

from __future__ import annotations

import salon
import salon.reporting
from salon.reporting import report, reporting


def test_the_innermost_listener_hears_and_the_outer_one_comes_back():
    outer: list[tuple[str, int, int]] = []
    inner: list[tuple[str, int, int]] = []
    with reporting(lambda *event: outer.append(event)):
        report("a", 1, 2)
        with reporting(lambda *event: inner.append(event)):
            report("b", 2, 2)
        report("c", 0, 0)
    report("nobody", 1, 1)
    assert outer == [("a", 1, 2), ("c", 0, 0)]
    assert inner == [("b", 2, 2)]


def test_the_module_does_not_hide_the_goal_progress_function():
    # A module named salon/progress.py became the attribute salon.progress once imported,
    # hiding salon.progress(store, goal).
    assert callable(salon.progress)
