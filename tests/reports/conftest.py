"""The two real sets the report is tested on: the same goals as the plan's tests
(``tests/strategy/conftest.py``, whose fixtures these are: each set is imported once a
session for both the plan's and the report's tests):

- higgs_twitter: the run-up to the Higgs announcement (every retweet, mention and reply
  before 2012-07-04 00:00 UTC); the segment ``early-retweeters`` is the first 500 people who
  retweeted; the goal ``higgs-early``: reach them on the Higgs discovery.
- stackexchange_quantumcomputing: the whole dump (questions, answers and comments, with their
  authors' display names), you = DaftWullie; the segment ``qec-askers`` is the people who
  asked about quantum error correction; the goal ``trusted-answerer``: become a trusted
  answerer for them.
"""

from __future__ import annotations

from tests.strategy.conftest import higgs, quantum  # noqa: F401 (the fixtures, shared)
