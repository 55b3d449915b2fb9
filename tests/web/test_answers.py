"""Finished answers kept per store state: each client's own CSRF token in a kept page, a
change to the store shown within a second, one read of the store's state at a time, and a
person's kept answer renewed when an agenda-setter answer is computed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import salon
from salon.web import answers, common
from salon.web.app import create_app
from tests.web.conftest import TOKEN

CARD = """BEGIN:VCARD
VERSION:3.0
FN:Zebulon Quist
EMAIL:zebulon@example.org
END:VCARD
"""


def _browser(app: object, csrf: str | None = None) -> TestClient:
    browser = TestClient(app)  # type: ignore[arg-type]
    browser.cookies.set("salon_token", TOKEN)
    if csrf is not None:
        browser.cookies.set("salon_csrf", csrf)
    return browser


def _token(page: str) -> str:
    return page.split('name="csrf" content="')[1].split('"')[0]


@pytest.fixture
def app(web_db: Path) -> Iterator[object]:
    with salon.open_store(str(web_db)) as store:
        yield create_app(store, token=TOKEN)


def test_a_kept_page_carries_each_clients_own_csrf_token(app: object) -> None:
    alice, bob = _browser(app, "a" * 43), _browser(app, "b" * 43)
    for path in ("/people", "/plan/known-by-algorithms", "/people?q=faisal"):
        first = alice.get(path)
        assert first.status_code == 200 and _token(first.text) == "a" * 43
        kept = [k for k in app.state.salon.bodies if k[1] == "page" and k[2] == path.split("?")[0]]
        assert kept, "the page is kept"
        second = bob.get(path)
        assert _token(second.text) == "b" * 43 and "a" * 43 not in second.text
        assert answers.CSRF_SLOT not in second.text
        assert second.text.replace("b" * 43, "a" * 43) == first.text
        assert second.headers["content-security-policy"].startswith("default-src 'self'")
        assert second.headers["cache-control"] == "no-store"
    # A client without the cookie gets a new token: in its cookie and in the page.
    fresh = _browser(app)
    page = fresh.get("/people")
    assert _token(page.text) == page.cookies["salon_csrf"] != "a" * 43


def test_a_kept_page_escapes_a_strange_cookie_as_the_template_would(app: object) -> None:
    odd = '"><script>alert(1)</script>'
    page = _browser(app, odd).get("/people").text
    assert "<script>alert(1)" not in page
    assert 'content="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


def test_a_change_to_the_store_shows_within_a_second(web_copy: Path, tmp_path: Path) -> None:
    card = tmp_path / "zeb.vcf"
    card.write_text(CARD)
    with salon.open_store(str(web_copy)) as store:
        browser = _browser(create_app(store, token=TOKEN))
        assert browser.get("/api/v1/people", params={"q": "zebulon"}).json()["total"] == 0
        assert "Zebulon" not in browser.get("/people?q=zebulon").text
        # Another process (the CLI) imports a card meanwhile.
        with salon.open_store(str(web_copy)) as other:
            salon.import_paths(other, [card])
        time.sleep(common.STAMP_SECONDS + 0.1)
        assert browser.get("/api/v1/people", params={"q": "zebulon"}).json()["total"] == 1
        assert "Zebulon Quist" in browser.get("/people?q=zebulon").text


def test_one_thread_reads_the_store_state_the_others_keep_the_last(
    app: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = app.state.salon  # type: ignore[attr-defined]
    reads: list[int] = []

    def slow(store: object) -> str:
        reads.append(1)
        time.sleep(0.2)
        return "new"

    monkeypatch.setattr(common, "store_stamp", slow)
    seen: list[str] = []

    def together(n: int) -> None:
        seen.clear()
        threads = [
            threading.Thread(target=lambda: seen.append(common.current_stamp(web)))
            for _ in range(n)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    # A read just due: one thread reads, the others keep the last state meanwhile.
    web.stamp = ("old", time.monotonic() - 1.5 * common.STAMP_SECONDS)
    together(8)
    assert len(reads) == 1
    assert seen.count("new#0") == 1 and seen.count("old#0") == 7
    # After an idle spell the last state may predate a change the CLI made: all wait.
    web.stamp = ("old", time.monotonic() - 3600)
    together(8)
    assert seen == ["new#0"] * 8 and len(reads) == 2
    # With no state read yet (a change made through the app), every thread waits for it.
    web.stamp = ("", 0.0)
    together(4)
    assert seen == ["new#0"] * 4 and len(reads) == 3


def test_a_kept_person_shows_an_agenda_setter_score_computed_later(app: object) -> None:
    browser = _browser(app)
    store = app.state.salon.store  # type: ignore[attr-defined]
    leader = salon.influencers(store, "quantum-algorithms", top=5).influencers[0]["person"]
    before = browser.get(f"/api/v1/people/{leader}").json()
    assert before["scores"]["agenda_setter"] == []
    browser.get("/api/v1/segments/quantum-algorithms", params={"top": 5})
    after = browser.get(f"/api/v1/people/{leader}").json()
    assert after["scores"]["agenda_setter"][0]["rank"] == 1
    assert {k: v for k, v in after.items() if k != "scores"} == {
        k: v for k, v in before.items() if k != "scores"
    }


def test_the_plan_answer_is_what_the_public_function_says(app: object) -> None:
    import json

    browser = _browser(app)
    store = app.state.salon.store  # type: ignore[attr-defined]
    first = browser.get("/api/v1/plan/known-by-algorithms")
    again = browser.get("/api/v1/plan/known-by-algorithms")
    assert first.content == again.content
    assert first.headers["content-type"] == "application/json"
    direct = salon.plan(store, "known-by-algorithms", include_private=True).to_dict()
    got = {k: v for k, v in first.json().items() if k != "timings"}
    assert got == json.loads(json.dumps({k: v for k, v in direct.items() if k != "timings"}))
    missing = browser.get("/api/v1/plan/no-such-goal")
    assert missing.status_code == 404 and missing.json()["ok"] is False


def test_a_long_answer_settles_the_garbage_collector(
    app: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(common, "settle", lambda: calls.append(1))
    monkeypatch.setattr(common, "LONG_SECONDS", 0.05)
    request = type("R", (), {"app": app})()
    assert common.cached(request, ("quick",), lambda: 1) == 1  # type: ignore[arg-type]
    assert calls == []
    assert common.cached(request, ("slow",), lambda: time.sleep(0.1) or 2) == 2  # type: ignore[arg-type]
    assert calls == [1]


def test_what_an_earlier_settle_kept_is_collected_once_dropped() -> None:
    """gc.freeze() keeps every object alive then out of the collector's reach: a kept answer
    evicted later, if it holds a reference cycle, was never freed."""
    import gc
    import weakref

    class Answer:
        pass

    answer = Answer()
    answer.me = answer  # type: ignore[attr-defined]  # a cycle: only the collector frees it
    alive = weakref.ref(answer)
    try:
        common.settle()  # the answer is kept, frozen with the rest
        del answer  # evicted
        common.settle()
        assert alive() is None
    finally:
        gc.unfreeze()


def test_a_person_shows_no_agenda_setter_score_of_a_state_the_store_has_left(
    app: object,
) -> None:
    browser = _browser(app)
    web = app.state.salon  # type: ignore[attr-defined]
    leader = salon.influencers(web.store, "quantum-algorithms", top=5).influencers[0]["person"]
    browser.get("/api/v1/segments/quantum-algorithms", params={"top": 5})
    assert browser.get(f"/api/v1/people/{leader}").json()["scores"]["agenda_setter"]
    web.writes += 1  # the store changed (as common.changed records a write made in the app)
    assert browser.get(f"/api/v1/people/{leader}").json()["scores"]["agenda_setter"] == []
