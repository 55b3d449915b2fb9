"""Offline geocoding and distances: known cities, the texts exports write, unknown places."""

from __future__ import annotations

import math

import numpy as np
import pytest

from salon.offline.places import (
    distance_km,
    geocode,
    haversine_km,
    nearest_city,
    normalise,
    same_place,
)


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Delhi Area, India", "Delhi", "IN"),  # LinkedIn position
        ("Ghāziābād Area, India", "Ghāziābād", "IN"),
        ("Tübingen, Germany", "Tübingen", "DE"),
        ("tubingen", "Tübingen", "DE"),  # no accents
        ("KÖLN", "Köln", "DE"),  # case
        ("Cologne", "Köln", "DE"),  # alternate name
        ("Manchester MAN", "Manchester", "GB"),  # calendar: city and airport code
        ("Chorley Fitness\\, 69 Chapel Street\\, Chorley\\, PR7 1BS", "Chorley", "GB"),
        (
            "W Barcelona\\, Passeig de Joan de Borbó\\, Barcelona\\, CT\\, es\\, 080",
            "Barcelona",
            "ES",
        ),
        ("Gdansk; Brno", "Gdańsk", "PL"),  # two rooms: the first
        ("San Francisco Bay Area", "San Francisco", "US"),
        ("Stadt- u. Landesbibliothek Potsdam im Bildungsforum, Am Kanal 47", "Potsdam", "DE"),
    ],
)
def test_geocode_texts_exports_write(text, name, country):
    found = geocode(text)
    assert (found.name, found.country, found.precision) == (name, country, "city")
    assert found.known and -90 <= found.latitude <= 90


def test_a_country_in_the_text_picks_the_namesake():
    assert geocode("Cambridge").country == "GB"
    assert geocode("Cambridge, United States").country == "US"
    assert geocode("Cambridge", country="US").country == "US"
    # The most populous namesake when nothing narrows it.
    assert geocode("Paris").country == "FR"


@pytest.mark.parametrize(
    "text", ["TBD", "Live Meeting", "Tesco", "", None, "http://example.org/e/1"]
)
def test_unknown_places_are_said_so(text):
    found = geocode(text)
    assert not found.known and found.precision == "unknown"
    assert found.label.startswith("unknown place")


def test_a_country_alone_has_no_coordinates():
    found = geocode("India")
    assert (found.precision, found.country, found.known) == ("country", "IN", False)


def test_coordinates_in_the_text_win():
    found = geocode("Graz@47.0707\\,15.4395")
    assert found.precision == "coordinates" and found.name == "Graz"
    assert (found.latitude, found.longitude) == (47.0707, 15.4395)
    assert geocode("geo:48.2082,16.3738").name == "Vienna"


def test_haversine_known_distances():
    # London–Paris 343.5 km, New York–Los Angeles 3,936 km (great circle, R = 6371.0088).
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.6, abs=1)
    assert haversine_km(40.7128, -74.0060, 34.0522, -118.2437) == pytest.approx(3936, abs=5)
    assert float(haversine_km(10, 20, 10, 20)) == 0.0
    antipode = float(haversine_km(0, 0, 0, 180))
    assert antipode == pytest.approx(math.pi * 6371.0088)
    many = haversine_km(0.0, 0.0, np.array([0.0, 0.0]), np.array([1.0, -1.0]))
    assert many[0] == pytest.approx(many[1]) == pytest.approx(111.19, abs=0.01)


def test_distances_between_locations():
    vienna, graz = geocode("Vienna"), geocode("Graz")
    assert distance_km(vienna, graz) == pytest.approx(145, abs=10)
    assert distance_km(vienna, geocode("TBD")) is None
    assert same_place(vienna, geocode("Wien")) and not same_place(vienna, graz)
    assert nearest_city(0.0, -30.0) is None  # mid-Atlantic


def test_normalise():
    assert normalise(" Łódź  ") == "lodz" and normalise("Straße") == "strasse"
