"""The leak guard's engine on hand-written cases: names, exact quotes, paraphrases, and
innocent posts that share words with the notes and must pass."""

import json

import pytest

from salon.intel.leak import Secret, Thresholds, check_draft, sentences

ACCOUNT = "Enron Transportation Services"
SECRETS = [
    Secret(ACCOUNT, kind="name", what="account", account=ACCOUNT, source="account"),
    Secret("Stanley Horton", kind="name", what="stakeholder", account=ACCOUNT),
    Secret("Rod Hayslett", kind="name", what="stakeholder", account=ACCOUNT),
    Secret("Kimberly Watson", kind="name", what="stakeholder", account=ACCOUNT),
    Secret("Drew Fossum", kind="name", what="stakeholder", account=ACCOUNT),
    Secret("Sun Devil", kind="name", what="project", account=ACCOUNT),
    Secret(
        "The Gallup compressor station trips offline on hot afternoons, and the field crew "
        "in Gallup is down to four technicians.",
        source="note 2 (issues)",
        account=ACCOUNT,
        what="issues",
    ),
    Secret(
        "Kevin told me in confidence that the budget for the scheduling replacement is 1.2 "
        "million dollars and that Pipeline Solutions bid 1.5 million.",
        source="note 23 (note)",
        person="Kevin Hyatt",
        what="note",
    ),
    Secret(
        "Gas control in Omaha is short six controllers and is covering the night shifts "
        "with overtime.",
        level="team",
        source="note 20 (gaps)",
        account=ACCOUNT,
        what="gaps",
    ),
    Secret(
        "Transwestern Pipeline serves markets in California, Arizona and New Mexico from the "
        "San Juan and Permian basins.",
        level="public",
        source="press release",
        account=ACCOUNT,
    ),
]


def flags(draft: str) -> list[tuple[str, str, str]]:
    return [
        (f.passage, f.method, f.secret.source or f.secret.text)
        for f in check_draft(draft, SECRETS).flags
    ]


@pytest.mark.parametrize(
    ("draft", "passage"),
    [
        ("Great lunch with Stanley Horton today.", "Stanley Horton"),
        ("Great lunch with Stan Horton today.", "Stan Horton"),  # a nickname
        ("Thanks to Rod Hayslet for the chat.", "Rod Hayslet"),  # a typo
        ("Kim Watson's team is the best.", "Kim Watson"),  # nickname and possessive
        ("Mr. Fossum made a strong case.", "Mr. Fossum"),  # title and surname
        ("Proud to work with enron transportation services!", "enron transportation services"),
        ("The Sun Devil expansion will change Arizona.", "Sun Devil"),
    ],
)
def test_names_are_found_with_nicknames_typos_and_titles(draft, passage):
    report = check_draft(draft, SECRETS)
    assert [f.passage for f in report.flags] == [passage]
    flag = report.flags[0]
    assert draft[flag.start : flag.end] == passage and flag.method == "name"
    assert flag.secret.kind == "name" and flag.secret.account == ACCOUNT


@pytest.mark.parametrize(
    "draft",
    [
        "The Arizona State Sun Devils had a great season.",  # a plural is another name
        "Horton Plaza is a fine place for lunch.",  # a surname alone
        "Rob Hayes spoke about pipeline finance.",  # close, but another person
        "Watson the computer won at Jeopardy.",
        "Enron's collapse taught the industry a lot.",  # the company, not the account's name
    ],
)
def test_other_names_pass(draft):
    assert check_draft(draft, SECRETS).flags == []


def test_an_exact_quote_is_flagged_at_its_sentence():
    draft = (
        "Field ops is hard.\n"
        "The Gallup compressor station trips offline on hot afternoons, and the field crew "
        "in Gallup is down to four technicians. Respect to them."
    )
    report = check_draft(draft, SECRETS)
    assert report.leaks
    (flag,) = report.flags
    assert flag.secret.source == "note 2 (issues)"
    assert flag.passage.startswith("The Gallup compressor") and flag.passage.endswith(
        "technicians."
    )
    assert draft[flag.start : flag.end] == flag.passage
    assert flag.similarity > 0.9 and {"compressor", "technicians"} <= set(flag.shared)


@pytest.mark.parametrize(
    ("draft", "source"),
    [
        (
            "Spent the week with a pipeline whose compressor station in New Mexico keeps "
            "tripping offline every hot afternoon, with only four technicians left on the crew.",
            "note 2 (issues)",
        ),
        (
            "Good news for our pricing: the scheduling replacement has a 1.2 million budget "
            "and the competing bid from Pipeline Solutions was 1.5 million.",
            "note 23 (note)",
        ),
        (
            "Six gas controller openings in Omaha, and the night shifts are being covered on "
            "overtime until they are filled.",
            "note 20 (gaps)",
        ),
    ],
)
def test_paraphrases_are_flagged(draft, source):
    report = check_draft(draft, SECRETS)
    assert [f.secret.source for f in report.flags] == [source]
    assert report.flags[0].method in ("words", "coverage", "verbatim")
    assert len(report.flags[0].shared) >= Thresholds().shared_words


@pytest.mark.parametrize(
    "draft",
    [
        "Compressor stations are the heart of a pipeline. Here is how they work.",
        "Summer heat is hard on field equipment. Plan maintenance for the cool months.",
        "Budgets for scheduling software vary widely. Here is what drives the price.",
        "Control room staff deserve more credit than they get.",
        "Overtime is not a staffing plan. Hire before you burn people out.",
        "Omaha is an underrated city for energy jobs.",
    ],
)
def test_innocent_posts_sharing_words_pass(draft):
    assert check_draft(draft, SECRETS).flags == []


def test_public_notes_never_flag_even_copied():
    public = SECRETS[-1].text
    assert check_draft(public, SECRETS).flags == []
    alone = [Secret(public, level="public")]
    assert check_draft(public, alone).leaks is False and check_draft(public, alone).secrets == 0


def test_team_notes_flag_with_their_level():
    report = check_draft("Gas control in Omaha is short six controllers, on overtime.", SECRETS)
    assert [f.secret.level for f in report.flags] == ["team"]


def test_only_the_leaking_passages_of_a_long_post_are_flagged():
    draft = (
        "Three lessons from a year of selling to pipelines. Learn the tariff. "
        "Respect the schedulers. And when you meet Rod Hayslett, bring fixed prices."
    )
    report = check_draft(draft, SECRETS)
    assert [(f.passage, f.method) for f in report.flags] == [("Rod Hayslett", "name")]


def test_a_report_is_json():
    report = check_draft("Lunch with Stanley Horton.", SECRETS)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["leaks"] is True and data["secrets"] == len(SECRETS) - 1
    assert data["flags"][0]["secret"]["what"] == "stakeholder"
    assert data["thresholds"]["shared_words"] == Thresholds().shared_words


def test_stricter_thresholds_flag_less():
    draft = "Six gas controller openings in Omaha, with night shifts covered on overtime."
    assert check_draft(draft, SECRETS).leaks
    strict = Thresholds(words=1.01, coverage=1.01, verbatim=101)
    assert not check_draft(draft, SECRETS, thresholds=strict).leaks


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="confidentiality level"):
        check_draft("x", [Secret("a note here", level="secret")])


def test_sentences_keep_abbreviations_and_lines():
    text = "Met Mr. Fossum and Sandra F. Brawner today. Great talk!\n- Next: Q3 plan"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Met Mr. Fossum and Sandra F. Brawner today.",
        "Great talk!",
        "- Next: Q3 plan",
    ]
