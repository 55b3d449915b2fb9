"""Fuzzy identity resolution: which people in the store are probably one person.

Pure functions over :class:`PersonFacts` (no database). Exact keys (an e-mail, a profile URL, a
handle a profile links to) are merged by the store's writer as it imports; this module scores
the rest on name and organisation, with evidence for every score.

Scoring (each part in [0, 1]):

- **name**: RapidFuzz ``token_sort_ratio`` of the normalised names (accents, case, titles and
  punctuation removed; "Last, First" turned around);
- **organisation**: 1 for a shared organisation, the fuzzy ratio of two spellings of one
  organisation (word by word alike: "Acme Robotcs"; at least 0.95 when one is the other's
  first words: "Acme"), 1 when one's e-mail domain names the other's organisation (the domain
  is the organisation's own: its label is the organisation's first words run together,
  ``harborwonka.example`` names "Harbor Wonka Software", ``acme.example`` "Acme"); unknown
  when either side has none. Two different organisations (a word differs: "Trey Beacon
  Logistics", "Cedar Beacon Logistics") keep their fuzzy ratio but are never merged;
- **namesakes**: whichever way the organisation was found, the expected number of other
  people there who would match by chance (:class:`_Population`), at least 1 when either holds
  a numbered address at its domain (``sofia.romano2@``: the second Sofía Romano there); above
  :data:`MAX_NAMESAKES` the pair is only a candidate;
- **veto** (the cannot-link rule): two different accounts in one slot (ids or handles on one
  platform, profile URLs on one site: :func:`salon.model.account_slot`), or two different
  addresses at one domain, mean two people, whatever their names say.

``score = 0.6 name + 0.4 organisation`` when both have an organisation, else ``0.85 name``
(a name alone never reaches the automatic threshold).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

#: At or above this score two people are merged automatically (and reversibly).
AUTO_MERGE = 0.93
#: At or above this score a pair is shown as a candidate by `salon duplicates`.
CANDIDATE = 0.80
_MAX_BLOCK = 400
#: How many more similar-looking names than exact ones a name has (one typo away).
TYPO_VARIANTS = 5.0
#: Above this many expected chance matches in the organisation, a pair is only a candidate.
#: The expected number of namesakes is about the chance that the pair is two people, so this
#: is the error a merge may risk: 1 in 200. bench/bench_identity.py (census name frequencies,
#: 100,000 records, seed 7) merged 7 namesake pairs at 0.07 (recall on decidable pairs 0.970),
#: 5 at 0.02 (0.960), 2 at 0.005 (0.930), precision above 0.998 at each: the fewest namesakes.
MAX_NAMESAKES = 0.005
_PRIOR_SHARE = 0.001
_PRIOR_WEIGHT = 1000
_TITLES = {
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "prof",
    "sir",
    "jr",
    "sr",
    "ii",
    "iii",
    "iv",
    "phd",
    "md",
    "mba",
    "esq",
}
_FREE_MAIL = {
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "web.de",
    "live.com",
    "example.com",
    "example.org",
    "example.net",
}
_ORG_NOISE = {
    "inc",
    "ltd",
    "llc",
    "gmbh",
    "ag",
    "sa",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "limited",
    "the",
    "group",
    "pvt",
    "private",
}


@dataclass(frozen=True)
class PersonFacts:
    """What resolution knows of a person."""

    id: int
    name: str
    organizations: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    platform_ids: tuple[tuple[str, str], ...] = ()
    """(slot, value) pairs of accounts (:func:`salon.model.account_slot`): two people with
    different values in one slot, and none in common there, are two people."""


@dataclass(frozen=True)
class Candidate:
    """Two people who may be one, with the score and the evidence behind it."""

    a: int
    b: int
    score: float
    evidence: dict[str, object] = field(default_factory=dict)


def normalise_name(name: str) -> str:
    """Lower case, no accents, no titles or punctuation; "Ruiz, Ana" becomes "ana ruiz".

    >>> normalise_name("Dr. José  RUIZ-García, PhD")
    'jose ruiz garcia'
    >>> normalise_name("Ruiz, Ana")
    'ana ruiz'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and parts[1] and parts[1].strip(". ") not in _TITLES:
        text = f"{parts[1]} {parts[0]}"
    tokens = [t for t in re.split(r"[^a-z0-9]+", text) if t and t not in _TITLES]
    return " ".join(tokens)


def normalise_organization(name: str) -> str:
    """An organisation's comparable form: "Acme Robotics, Inc." → "acme robotics"."""
    text = normalise_name(name.replace(",", " "))
    return " ".join(t for t in text.split() if t not in _ORG_NOISE)


def _domain_label(email: str) -> str | None:
    domain = email.rsplit("@", 1)[-1].lower()
    if domain in _FREE_MAIL or "." not in domain:
        return None
    labels = domain.split(".")
    return labels[-2] if len(labels) >= 2 else None


def organization_labels(org: str) -> list[str]:
    """The domain labels that name a normalised organisation: its first k words run together.

    >>> organization_labels("harbor wonka software")
    ['harbor', 'harborwonka', 'harborwonkasoftware']
    """
    words = org.split()
    return ["".join(words[:k]) for k in range(1, len(words) + 1)]


def _one_organisation(x: str, y: str) -> bool:
    """Two spellings of one organisation: one is the other's first words ("acme" and "acme
    robotics"), or they have as many words and each word is a typo of the other's."""
    wx, wy = x.split(), y.split()
    if not wx or not wy:
        return False
    n = min(len(wx), len(wy))
    if wx[:n] == wy[:n]:
        return True
    return len(wx) == len(wy) and all(fuzz.ratio(p, q) >= 80 for p, q in zip(wx, wy, strict=True))


_NUMBERED = re.compile(r"[a-z][a-z._-]*[a-z]\d+$")


def _numbered_address(person: PersonFacts, org: str) -> str | None:
    """A work address at ``org``'s domain that carries a number (``sofia.romano2@``): the
    organisation gave it because another person there has the same name."""
    for email in person.emails:
        local, _, _ = email.lower().partition("@")
        label = _domain_label(email)
        if label and label in organization_labels(org) and _NUMBERED.fullmatch(local):
            return email
    return None


@dataclass(frozen=True)
class _OrgEvidence:
    similarity: float | None
    why: str
    org: str | None = None
    """The organisation both are taken to be at (for the namesake check)."""
    different: bool = False
    """Both name an organisation, and they are two different ones."""


def _org_score(a: PersonFacts, b: PersonFacts, orgs: dict[int, set[str]]) -> _OrgEvidence:
    oa, ob = orgs[a.id], orgs[b.id]
    if oa and ob:
        shared = oa & ob
        if shared:
            org = sorted(shared)[0]
            return _OrgEvidence(1.0, f"both at {org}", org)
        best, x, y = max((fuzz.ratio(x, y), x, y) for x in oa for y in ob)
        alike = [(fuzz.ratio(x, y), x, y) for x in oa for y in ob if _one_organisation(x, y)]
        if alike:
            best, x, y = max(alike)
            similarity = max(best / 100, 0.95)  # "acme" and "acme robotics"
            return _OrgEvidence(similarity, f"similar organisations: {x}, {y}", max(x, y, key=len))
        return _OrgEvidence(best / 100, f"different organisations: {x}, {y}", different=True)
    for person, other in ((a, ob), (b, oa)):
        for email in person.emails:
            label = _domain_label(email)
            if not label:
                continue
            for org in sorted(other):
                if label in organization_labels(org):
                    domain = email.rsplit("@", 1)[-1]
                    return _OrgEvidence(1.0, f"e-mail domain {domain} names {org}", org)
    return _OrgEvidence(None, "no organisation on one side")


def _veto(a: PersonFacts, b: PersonFacts) -> str | None:
    slots_a: dict[str, set[str]] = defaultdict(set)
    for slot, value in a.platform_ids:
        slots_a[slot].add(value)
    slots_b: dict[str, set[str]] = defaultdict(set)
    for slot, value in b.platform_ids:
        slots_b[slot].add(value)
    for slot, values in slots_b.items():
        if slot in slots_a and not values & slots_a[slot]:
            site = slot.removeprefix("url:").split(":")[0]
            return f"different {site} accounts"
    # Two different addresses at one domain (a company's, or one mail provider's) are two
    # people far more often than one person with two addresses there.
    domains_a = {e.rsplit("@", 1)[-1]: e for e in a.emails}
    for email in b.emails:
        domain = email.rsplit("@", 1)[-1]
        if domain in domains_a and domains_a[domain] != email:
            return f"different addresses at {domain}"
    return None


def _blocks(
    people: Sequence[PersonFacts], names: dict[int, str], orgs: dict[int, set[str]]
) -> Iterable[list[PersonFacts]]:
    blocks: dict[tuple[str, ...], list[PersonFacts]] = defaultdict(list)
    labels = {label for p in people for e in p.emails if (label := _domain_label(e))}
    for person in people:
        tokens = names[person.id].split()
        if not tokens:
            continue
        first, last = tokens[0], tokens[-1]
        keys = {("n", first[:2], last[:3]), ("n", first[:3], last[:2])}
        for org in orgs[person.id]:
            keys.update(("o", org, t[:2]) for t in tokens)
            # an e-mail domain naming the organisation meets it here (harborwonka.example)
            named = labels.intersection(organization_labels(org))
            keys.update(("d", label, t[:2]) for label in named for t in tokens)
        for email in person.emails:
            if label := _domain_label(email):
                keys.update(("d", label, t[:2]) for t in tokens)
        for key in keys:
            blocks[key].append(person)
    for members in blocks.values():
        if 1 < len(members) <= _MAX_BLOCK:
            yield members


@dataclass
class _Population:
    """How common names are, and how large organisations are, among the people compared.

    A name shared inside a large organisation is weaker evidence than inside a small one
    (term-frequency adjustment, as in Fellegi–Sunter record linkage): the expected number of
    different people who would match by chance is ``members × P(first) × P(last)``, times
    :data:`TYPO_VARIANTS` when the names only look alike. When they differ, the commoner of the
    two names counts: "Raymond Whitten" and "Raymond White" are two people as often as there
    are Raymond Whites there. An organisation's members are the people who name it and those
    known only by an e-mail address at a domain naming it.
    """

    size: int
    first: Counter[str]
    last: Counter[str]
    members: Counter[str]
    domains: Counter[str] = field(default_factory=Counter)
    """People without an organisation, by the label of their work e-mail domains."""

    def namesakes(self, names: Sequence[str], org: str | None) -> float:
        """Expected chance matches of people called ``names`` (one or two spellings)."""
        if org is None or not self.size:
            return 0.0
        shares = [
            self.share(self.first[tokens[0]]) * self.share(self.last[tokens[-1]])
            for tokens in (name.split() for name in names)
            if tokens
        ]
        if not shares:
            return 0.0
        exact = len(set(names)) == 1
        return self.size_of(org) * max(shares) * (1 if exact else TYPO_VARIANTS)

    def size_of(self, org: str) -> int:
        return self.members[org] + sum(self.domains[label] for label in organization_labels(org))

    def share(self, count: int) -> float:
        """A name's share, smoothed towards 1 in 1,000 so small address books stay sane."""
        return (count + _PRIOR_WEIGHT * _PRIOR_SHARE) / (self.size + _PRIOR_WEIGHT)


def _population(
    people: Sequence[PersonFacts], names: dict[int, str], orgs: dict[int, set[str]]
) -> _Population:
    first: Counter[str] = Counter()
    last: Counter[str] = Counter()
    members: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    for person in people:
        tokens = names[person.id].split()
        if tokens:
            first[tokens[0]] += 1
            last[tokens[-1]] += 1
        members.update(orgs[person.id])
        if not orgs[person.id]:
            domains.update({label for e in person.emails if (label := _domain_label(e))})
    return _Population(len(people), first, last, members, domains)


def duplicate_candidates(
    people: Sequence[PersonFacts], *, min_score: float = CANDIDATE
) -> list[Candidate]:
    """Pairs of people scoring at least ``min_score``, best first, each with its evidence.

    Blocking (shared name prefixes, or an organisation and a name prefix) keeps the work near
    linear; within a block, names are compared with RapidFuzz's vectorised ``cdist``.
    """
    names = {p.id: normalise_name(p.name) for p in people}
    orgs = {p.id: {o for o in map(normalise_organization, p.organizations) if o} for p in people}
    population = _population(people, names, orgs)
    seen: set[tuple[int, int]] = set()
    out: list[Candidate] = []
    name_floor = min_score / 0.85 * 100 if min_score > 0 else 0
    cutoff = min(name_floor, (min_score - 0.4) / 0.6 * 100)
    for block in _blocks(people, names, orgs):
        texts = [names[p.id] for p in block]
        matrix = process.cdist(
            texts, texts, scorer=fuzz.token_sort_ratio, score_cutoff=max(cutoff, 0), workers=1
        )
        for i, j in zip(*matrix.nonzero(), strict=True):
            if i >= j:
                continue
            a, b = block[i], block[j]
            pair = (min(a.id, b.id), max(a.id, b.id))
            if pair in seen:
                continue
            seen.add(pair)
            candidate = score_pair(a, b, names, orgs, float(matrix[i, j]) / 100, population)
            if candidate is not None and candidate.score >= min_score:
                out.append(candidate)
    out.sort(key=lambda c: (-c.score, c.a, c.b))
    return out


def score_pair(
    a: PersonFacts,
    b: PersonFacts,
    names: dict[int, str],
    orgs: dict[int, set[str]],
    name_score: float,
    population: _Population | None = None,
) -> Candidate | None:
    """The score of one pair (``None`` when a veto says they are two people)."""
    if _veto(a, b) is not None:
        return None
    org = _org_score(a, b, orgs)
    similarity = org.similarity
    score = 0.85 * name_score if similarity is None else 0.6 * name_score + 0.4 * similarity
    if org.different:
        score = min(score, AUTO_MERGE - 0.01)
    chance = 0.0
    numbered = None
    if org.org is not None:
        if population is not None:
            chance = population.namesakes((names[a.id], names[b.id]), org.org)
        if numbered := _numbered_address(a, org.org) or _numbered_address(b, org.org):
            chance = max(chance, 1.0)  # a namesake there for certain: which one is this?
        if chance > MAX_NAMESAKES:
            score = min(score, AUTO_MERGE - 0.01)
    evidence: dict[str, object] = {
        "names": [names[a.id], names[b.id]],
        "expected_namesakes": round(chance, 4),
        "name_similarity": round(name_score, 3),
        "organisation": org.why,
        "organisation_similarity": org.similarity,
    }
    if numbered:
        evidence["namesake_address"] = numbered
    lo, hi = sorted((a.id, b.id))
    return Candidate(lo, hi, round(score, 4), evidence)


def merge_plan(
    people: Sequence[PersonFacts], candidates: Iterable[Candidate], *, threshold: float = AUTO_MERGE
) -> list[Candidate]:
    """The candidates to merge, best first, never joining groups whose members contradict.

    Merging is transitive, so a pair is taken only if the two groups it would join pass the
    vetoes as wholes (all their e-mails and platform ids): one vague record cannot chain two
    people with different addresses together.
    """
    facts = {p.id: p for p in people}
    group: dict[int, int] = {}
    merged: dict[int, PersonFacts] = {}

    def find(x: int) -> int:
        while group.get(x, x) != x:
            x = group[x]
        return x

    def whole(root: int) -> PersonFacts:
        return merged.get(root) or facts[root]

    plan = []
    for candidate in sorted(candidates, key=lambda c: (-c.score, c.a, c.b)):
        if candidate.score < threshold:
            continue
        ra, rb = find(candidate.a), find(candidate.b)
        if ra == rb:
            continue
        a, b = whole(ra), whole(rb)
        if _veto(a, b) is not None:
            continue
        group[rb] = ra
        merged[ra] = PersonFacts(
            ra,
            a.name,
            a.organizations + b.organizations,
            tuple(sorted(set(a.emails + b.emails))),
            tuple(sorted(set(a.platform_ids + b.platform_ids))),
        )
        plan.append(candidate)
    return plan
