"""The leak guard: which passages of a draft post reveal private or team intelligence.

:func:`check_draft` is a pure function of a draft and the secrets it must not reveal
(:class:`Secret`: a note, a message, a stakeholder's, account's or project's name, each with
its confidentiality level and where it comes from). It flags:

- **names** (``kind="name"``): a stakeholder's, an account's or a project's name, found as
  that many words of the draft, each scoring at least ``Thresholds.name`` (90) by
  :func:`_word_score`: equal words, a first name's nickname by prefix ("Stan" for
  "Stanley", "Kim" for "Kimberly"), or a typo of a word of 5 letters or more (rapidfuzz
  ``ratio``: "Hayslet" for "Hayslett"); never a plural ("Sun Devils" is not "Sun Devil");
  middle initials, suffixes (``Jr.``) and possessives aside; a title and the surname
  ("Mr. Fossum") too.
- **passages** (``kind="note"``, ``"message"``, ``"meeting"``): each sentence of the draft,
  and each pair of neighbouring sentences, is compared with each sentence of each secret and
  with the whole secret. Content words are words less English stop words (scikit-learn's
  list) after a crude suffix cut ("worries"/"worried" → "worr"). A passage reveals a
  secret's passage when they share at least ``Thresholds.shared_words`` (4) content words
  (all of them, and at least 3, for a secret passage of fewer) and one of these holds:

  - ``words``: the cosine of their TF-IDF vectors of content words and word pairs
    (sublinear term frequency; the IDF is learnt from the secrets, so words every note
    shares count little) ≥ ``Thresholds.words`` (0.5);
  - ``coverage``: the share of the secret passage's content words, weighted by IDF, that
    the draft's passage repeats ≥ ``Thresholds.coverage`` (0.4) — a paraphrase keeps most
    of what a note says even when it adds words of its own;
  - ``verbatim``: rapidfuzz ``partial_ratio`` of the two texts ≥ ``Thresholds.verbatim``
    (90) for a copied fragment of at least ``Thresholds.verbatim_chars`` (30) characters;
  - ``chars``: the cosine of TF-IDF vectors of character 3-5-grams ≥ ``Thresholds.chars``
    (off by default, 1.01: it added nothing on the development half).

The thresholds were chosen on the development half of the leak-guard set
(``tests/data/leak/drafts.toml``: the highest recall at precision ≥ 0.9 over a grid) by
``bench/validate_leak.py``; its precision and recall on the test half are in
``bench/results/validate_leak.txt``. Secrets of level ``public`` never flag.

Each :class:`Flag` names the passage (its offsets in the draft and its text), the secret it
matches (kind, level, source, account, person, what), the method, the similarity and the
content words the two share. Overlapping flags of the same secret are merged.

Example
-------
>>> secrets = [
...     Secret("Rod Hayslett", kind="name", what="stakeholder", account="ETS"),
...     Secret("The CFO will not sign off on the Redfield expansion before the Q3 budget "
...            "review, because the compressor overhaul ran 40% over.", source="note 7"),
... ]
>>> report = check_draft("Lovely panel today with Rod Hayslet on pipeline finance!", secrets)
>>> [(f.passage, f.method) for f in report.flags]
[('Rod Hayslet', 'name')]
>>> check_draft("Budget season: sign off early, review often.", secrets).leaks
False
>>> draft = "No Redfield expansion before Q3's budget review: the compressor overhaul ran over."
>>> [(f.method, f.secret.source, len(f.shared)) for f in check_draft(draft, secrets).flags]
[('words', 'note 7', 7)]
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

#: Confidentiality levels; ``public`` never flags.
LEVELS = ("private", "team", "public")
#: Kinds of secret: a name is matched as a name, the others as passages of text.
KINDS = ("name", "note", "message", "meeting")


@dataclass(frozen=True, slots=True)
class Secret:
    """Something the user knows and a public post must not reveal.

    ``kind`` is ``"name"`` (a stakeholder's, an account's or a project's name: ``what`` says
    which) or a passage: ``"note"`` (account intelligence, a contact's note), ``"message"`` (a
    private message's body), ``"meeting"`` (a meeting's title or notes). ``source`` says where
    it comes from ("note 12", "message 40 from Ana Ruiz"), ``account`` and ``person`` whom it
    is about.
    """

    text: str
    kind: str = "note"
    level: str = "private"
    source: str = ""
    account: str | None = None
    person: str | None = None
    what: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a passage or a name counts as revealing a secret (see the module's docstring)."""

    name: float = 90.0
    words: float = 0.5
    coverage: float = 0.4
    chars: float = 1.01
    verbatim: float = 90.0
    verbatim_chars: int = 30
    shared_words: int = 4


@dataclass(frozen=True, slots=True)
class Flag:
    """One passage of the draft that reveals one secret, with the evidence."""

    start: int
    end: int
    passage: str
    secret: Secret
    method: str
    similarity: float
    shared: tuple[str, ...] = ()
    matched: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "passage": self.passage,
            "method": self.method,
            "similarity": round(self.similarity, 3),
            "shared": list(self.shared),
            "matched": self.matched,
            "secret": self.secret.to_dict(),
        }


@dataclass(frozen=True)
class LeakReport:
    """What :func:`check_draft` found: the flags, in the draft's order."""

    flags: list[Flag]
    secrets: int
    thresholds: Thresholds = field(default_factory=Thresholds)
    notes: list[str] = field(default_factory=list)

    @property
    def leaks(self) -> bool:
        """True when something private or team-only would leak."""
        return bool(self.flags)

    def to_dict(self) -> dict[str, Any]:
        return {
            "leaks": self.leaks,
            "flags": [f.to_dict() for f in self.flags],
            "secrets": self.secrets,
            "thresholds": asdict(self.thresholds),
            "notes": list(self.notes),
        }

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]


# -- text units --------------------------------------------------------------------------------

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc|Corp|Co|Ltd|vs|etc|e\.g|i\.e)|\b\w)\.$"
)
_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n\s*\n|\n(?=\s*[-*•]|\s*\d+[.)])|\s*\n\s*(?=\S)")
_TOKEN = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)
_TITLES = ("mr", "mrs", "ms", "dr", "prof")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md"}
# Words too common in any business text to count as shared content (beyond sklearn's list).
_COMMON = {
    *("also", "get", "got", "one", "two", "new", "make", "made", "said", "says", "say"),
    *("would", "could", "will", "may", "might", "much", "many", "good", "great", "really"),
    *("just", "like", "think", "know", "want", "need", "team", "people", "year", "years"),
    *("week", "weeks", "today", "time", "thing", "things", "way", "lot", "work", "working"),
}


def sentences(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each sentence of ``text`` (also line breaks and list items).

    >>> text = "Met Mr. Fossum today. Great talk!\\nNext: Q3."
    >>> [text[a:b] for a, b in sentences(text)]
    ['Met Mr. Fossum today.', 'Great talk!', 'Next: Q3.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BREAK.finditer(text):
        piece = text[start : match.start()]
        inline = match.group().strip() == "" and "\n" not in match.group()
        if inline and _ABBREVIATIONS.search(piece):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _stem(word: str) -> str:
    """A crude suffix cut, so that "worries"/"worried", "budgets"/"budget" share a stem."""
    for suffix in ("ing", "ied", "ies", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | _COMMON)


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(stem, word as written)`` of each content word of ``text``, in order."""
    stop = _stop_words()
    out = []
    for match in _TOKEN.finditer(text):
        word = match.group().casefold()
        if word in stop or (len(word) < 3 and not word.isdigit()):
            continue
        out.append((_stem(word), match.group()))
    return out


def _grams(tokens: list[tuple[str, str]]) -> list[str]:
    """The TF-IDF's features of a text: its content words' stems and pairs of neighbours."""
    stems = [stem for stem, _ in tokens]
    return stems + [f"{a} {b}" for a, b in itertools.pairwise(stems)]


def _same(features: list[str]) -> list[str]:
    return features


def _first_written(tokens: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for stem, word in tokens:
        out.setdefault(stem, word)
    return out


def _content(text: str) -> dict[str, str]:
    """Content words of ``text`` by stem: ``{stem: word as first written}``."""
    return _first_written(_tokens(text))


# -- names -------------------------------------------------------------------------------------


def _name_variants(name: str) -> list[list[str]]:
    words = [w.casefold().strip(".") for w in _TOKEN.findall(name)]
    words = [w for w in words if w]
    core = [w for w in words if len(w) > 1 and w not in _SUFFIXES]
    variants = [words, core]
    if len(core) > 2:
        variants.append([core[0], core[-1]])
    unique: list[list[str]] = []
    for v in variants:
        if v and v not in unique:
            unique.append(v)
    return unique


def _word_score(word: str, target: str, *, first: bool) -> float:
    """How well one word of the draft matches one word of a name, 0-100.

    Equal words score 100; a first name that is a prefix of the other of at least 3 letters
    too (a nickname: "Stan" for "Stanley", "Kim" for "Kimberly"). A plural ("Devils" for
    "Devil") is another word: 0. Words of fewer than 5 letters must be equal; longer ones
    score rapidfuzz's ``ratio`` (a typo: "Hayslet" for "Hayslett").
    """
    from rapidfuzz import fuzz

    if word == target:
        return 100.0
    if (
        first
        and min(len(word), len(target)) >= 3
        and (target.startswith(word) or word.startswith(target))
    ):
        return 100.0
    if word in (target + "s", target + "es") or min(len(word), len(target)) < 5:
        return 0.0
    return float(fuzz.ratio(word, target))


def _find_names(
    draft: str,
    tokens: list[tuple[int, int, str]],
    at: dict[str, list[int]],
    secret: Secret,
    cutoff: float,
) -> list[Flag]:
    """Where ``secret`` (a name) appears in the draft: each word of the name matched by
    :func:`_word_score` ≥ ``cutoff`` (the least of the words counts)."""
    flags: list[Flag] = []
    variants = _name_variants(secret.text)
    for variant in variants:
        n = len(variant)
        for end in at.get(variant[-1][0], ()):
            i = end - n + 1
            if i < 0:
                continue
            window = tokens[i : end + 1]
            score = 100.0
            for k, (word, target) in enumerate(zip((t[2] for t in window), variant, strict=True)):
                score = min(score, _word_score(word, target, first=k == 0 and n > 1))
                if score < cutoff:
                    break
            if score >= cutoff:
                start, stop = window[0][0], window[-1][1]
                flags.append(
                    Flag(
                        start, stop, draft[start:stop], secret, "name", score / 100, (), secret.text
                    )
                )
    # A title and the surname: "Mr. Fossum", "Dr Kaminski".
    core = variants[-1]
    if len(core) >= 2:
        for i in at.get(core[-1][0], ()):
            if i > 0 and tokens[i][2] == core[-1] and tokens[i - 1][2].rstrip(".") in _TITLES:
                start, stop = tokens[i - 1][0], tokens[i][1]
                flags.append(
                    Flag(start, stop, draft[start:stop], secret, "name", 1.0, (), secret.text)
                )
    return flags


# -- passages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """The passages of the secrets, vectorised once for every draft checked against them."""

    units: list[tuple[int, str]]  # (secret index, text)
    words: Any
    chars: Any
    word_matrix: Any
    char_matrix: Any
    content: list[dict[str, str]]
    idf: dict[str, float]
    weight: list[float]  # the summed IDF of each unit's content words


@functools.lru_cache(maxsize=4)
def _index(passages: tuple[Secret, ...], with_chars: bool) -> _Index | None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    units: list[tuple[int, str]] = []
    for i, secret in enumerate(passages):
        text = secret.text
        spans = sentences(text)
        if len(spans) > 1:
            units.append((i, text))
        units += [(i, text[a:b]) for a, b in spans if len(_TOKEN.findall(text[a:b])) >= 3]
        if len(spans) == 1 and len(_TOKEN.findall(text)) < 3:
            units.append((i, text))
    if not units:
        return None
    texts = [t for _, t in units]
    tokens = [_tokens(t) for t in texts]
    # The text is tokenised once: the vectoriser is given each unit's words and word pairs.
    words = TfidfVectorizer(analyzer=_same, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    # Character n-grams only when that method is on: on long texts they cost most of the time.
    word_matrix = words.fit_transform([_grams(t) for t in tokens])
    char_matrix = chars.fit_transform(texts) if with_chars else None
    idf = dict(zip(words.get_feature_names_out(), words.idf_.tolist(), strict=True))
    content = [_first_written(t) for t in tokens]
    weight = [sum(idf.get(k, 1.0) for k in c) or 1.0 for c in content]
    return _Index(units, words, chars, word_matrix, char_matrix, content, idf, weight)


def _draft_units(draft: str) -> list[tuple[int, int]]:
    spans = sentences(draft)
    pairs = [(spans[i][0], spans[i + 1][1]) for i in range(len(spans) - 1)]
    return spans + pairs


def _find_passages(draft: str, passages: tuple[Secret, ...], thresholds: Thresholds) -> list[Flag]:
    import numpy as np
    from rapidfuzz import fuzz

    index = _index(passages, thresholds.chars <= 1.0)
    spans = _draft_units(draft)
    if index is None or not spans:
        return []
    texts = [draft[a:b] for a, b in spans]
    tokens = [_tokens(t) for t in texts]
    word_sim = (index.words.transform([_grams(t) for t in tokens]) @ index.word_matrix.T).toarray()
    char_sim = (
        (index.chars.transform(texts) @ index.char_matrix.T).toarray()
        if index.char_matrix is not None
        else np.zeros_like(word_sim)
    )
    flags: list[Flag] = []
    for u, (a, b) in enumerate(spans):
        text = texts[u]
        content = _first_written(tokens[u])
        best: dict[int, Flag] = {}
        for s in np.flatnonzero(word_sim[u] > 0).tolist():
            secret_index, unit = index.units[s]
            w, c = float(word_sim[u, s]), float(char_sim[u, s])
            common = content.keys() & index.content[s].keys()
            if len(common) < min(thresholds.shared_words, max(3, len(index.content[s]))):
                continue
            shared = [index.content[s][k] for k in common]
            cover = sum(index.idf.get(k, 1.0) for k in common) / index.weight[s]
            method, score = "", 0.0
            if w >= thresholds.words:
                method, score = "words", w
            if cover >= thresholds.coverage and cover > score:
                method, score = "coverage", cover
            if c >= thresholds.chars and c > score:
                method, score = "chars", c
            shorter = min(len(text), len(unit))
            if shorter >= thresholds.verbatim_chars and (w > 0.1 or c > 0.3):
                v = fuzz.partial_ratio(text.casefold(), unit.casefold())
                if v >= thresholds.verbatim and v / 100 > score:
                    method, score = "verbatim", v / 100
            if not method:
                continue
            old = best.get(secret_index)
            if old is None or score > old.similarity:
                best[secret_index] = Flag(
                    a,
                    b,
                    text,
                    passages[secret_index],
                    method,
                    score,
                    tuple(sorted(shared, key=str.casefold)),
                    unit,
                )
        flags += best.values()
    return flags


# -- the check ---------------------------------------------------------------------------------


def _merge(flags: list[Flag]) -> list[Flag]:
    """One flag per secret and stretch of the draft: the shortest passage that reveals it (a
    sentence rather than the pair of sentences around it), then the most similar."""
    kept: list[Flag] = []
    order = sorted(flags, key=lambda f: (f.end - f.start, -f.similarity, f.start))
    for flag in order:
        if any(k.secret == flag.secret and k.start < flag.end and flag.start < k.end for k in kept):
            continue
        kept.append(flag)
    return sorted(kept, key=lambda f: (f.start, f.end, -f.similarity))


def check_draft(
    draft: str, secrets: Sequence[Secret], *, thresholds: Thresholds | None = None
) -> LeakReport:
    """Flag every passage of ``draft`` that reveals one of ``secrets`` (see the module's doc).

    Parameters
    ----------
    draft
        The post, as it would be published.
    secrets
        What must not leak; those of level ``public`` are ignored.
    thresholds
        When a name or passage counts as revealing a secret; the defaults are the tuned ones.

    Returns
    -------
    LeakReport
        The flags (each with the passage's offsets, the secret, the method and similarity);
        ``report.leaks`` is true when there is any.
    """
    thresholds = thresholds or Thresholds()
    for secret in secrets:
        if secret.level not in LEVELS:
            raise ValueError(f"unknown confidentiality level {secret.level!r} (use {LEVELS})")
    kept = [s for s in secrets if s.level != "public" and s.text.strip()]
    names = [s for s in kept if s.kind == "name"]
    passages = tuple(dict.fromkeys(s for s in kept if s.kind != "name"))
    tokens = []
    for match in _TOKEN.finditer(draft):
        word, end = match.group().casefold(), match.end()
        if word.endswith(("'s", "’s")) and len(word) > 2:  # a possessive: "Watson's"
            word, end = word[:-2], end - 2
        tokens.append((match.start(), end, word))
    at: dict[str, list[int]] = {}
    for i, (_, _, word) in enumerate(tokens):
        at.setdefault(word[0], []).append(i)
    flags: list[Flag] = []
    for secret in dict.fromkeys(names):
        flags += _find_names(draft, tokens, at, secret, thresholds.name)
    flags += _find_passages(draft, passages, thresholds)
    return LeakReport(_merge(flags), len(kept), thresholds)
