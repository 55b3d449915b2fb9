"""Writing from the browser: accounts, their notes and stakeholders, an account plan file, a
note about a person, which account is you and removing a goal — each form changing the store
as the CLI does, each refused without its CSRF token, each with its JSON twin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import salon
from salon.web.app import create_app
from tests.conftest import run_cli
from tests.web.conftest import GOAL, HOSTILE, TOKEN

ACCOUNT = "Quantum Labs"


@pytest.fixture
def writable(web_copy: Path) -> Iterator[TestClient]:
    """A browser (the token's cookie) on a copy of the store it may change."""
    with salon.open_store(str(web_copy)) as store, TestClient(create_app(store, token=TOKEN)) as c:
        c.get(f"/?token={TOKEN}")
        yield c


def _csrf(c: TestClient, path: str = "/accounts") -> str:
    return c.get(path).text.split('name="csrf" content="')[1].split('"')[0]


def _store(c: TestClient):
    return c.app.state.salon.store


def _pid(c: TestClient, query: str) -> int:
    return c.get("/api/v1/people", params={"q": query}).json()["people"][0]["id"]


def _plan_without_times(data: dict) -> dict:
    """An account's plan as shown, less what depends on when it was written."""
    data = {k: v for k, v in data.items() if k != "now"}
    data["notes"] = sorted(
        (
            {k: v for k, v in n.items() if k not in ("id", "created_at", "stale")}
            for n in data["notes"]
        ),
        key=lambda n: n["text"],
    )
    data["stakeholders"] = sorted(
        (
            {k: v for k, v in s.items() if k not in ("id", "created_at")}
            for s in data["stakeholders"]
        ),
        key=lambda s: s["person"],
    )
    return data


def test_account_forms_change_the_store_as_the_cli_does(
    writable: TestClient, web_db: Path, tmp_path: Path
) -> None:
    c = writable
    csrf = _csrf(c)
    kabir, faisal = _pid(c, "kabir"), _pid(c, "faisal")
    added = c.post(
        "/accounts",
        data={"csrf": csrf, "name": "Cardnest", "domain": "cardnest.example", "level": "team"},
        follow_redirects=False,
    )
    assert added.status_code == 303 and added.headers["location"] == "/accounts/Cardnest"
    assert ">Cardnest</a>" in c.get("/accounts").text  # the list read before is not kept
    note = c.post(
        "/accounts/Cardnest/notes",
        data={
            "csrf": csrf,
            "field": "criteria",
            "text": f"Wants SOC 2 {HOSTILE}",
            "source": "call with Kabir",
            "observed": "2024-03-01",
            "level": "team",
        },
        follow_redirects=False,
    )
    assert note.status_code == 303
    stake = c.post(
        "/accounts/Cardnest/stakeholders",
        data={
            "csrf": csrf,
            "person": str(kabir),
            "role": "champion",
            "title": "CTO",
            "reports_to": str(faisal),
        },
        follow_redirects=False,
    )
    assert stake.status_code == 303
    web = salon.account(_store(c), "Cardnest").to_dict()
    # The same three commands through the CLI, on a second copy of the store as it was.
    cli_db = tmp_path / "cli.db"
    cli_db.write_bytes(web_db.read_bytes())
    cli_db.chmod(0o600)
    for args in (
        ("account", "add", "Cardnest", "--domain", "cardnest.example", "--level", "team"),
        ("account", "note", "Cardnest", f"Wants SOC 2 {HOSTILE}", "--field", "criteria", "--source",
         "call with Kabir", "--observed", "2024-03-01", "--level", "team"),
        ("account", "stakeholder", "Cardnest", str(kabir), "--role", "champion", "--title", "CTO",
         "--reports-to", str(faisal)),
    ):  # fmt: skip
        done = run_cli(*args, db=cli_db)
        assert done.returncode == 0, done.stderr
    with salon.open_store(str(cli_db)) as cli_store:
        cli = salon.account(cli_store, "Cardnest").to_dict()
    assert _plan_without_times(web) == _plan_without_times(cli)
    assert web["domain"] == "cardnest.example" and web["level"] == "team"
    [champion] = web["stakeholders"]
    assert (champion["person"], champion["role"], champion["reports_to"]) == (
        kabir,
        "champion",
        faisal,
    )
    page = c.get("/accounts/Cardnest").text
    assert HOSTILE not in page and "Wants SOC 2 &lt;script&gt;" in page  # escaped
    # Off the stakeholders, then the account itself; the people stay.
    off = c.post(f"/accounts/Cardnest/stakeholders/{kabir}/remove", data={"csrf": csrf})
    assert off.status_code == 200 and salon.account(_store(c), "Cardnest").stakeholders == []
    gone = c.post("/accounts/Cardnest/remove", data={"csrf": csrf}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/accounts"
    assert "Cardnest" not in [a["name"] for a in c.get("/api/v1/accounts").json()["accounts"]]
    assert c.get(f"/api/v1/people/{kabir}").status_code == 200


def test_every_new_form_refuses_a_forged_request(writable: TestClient) -> None:
    c = writable
    kabir = _pid(c, "kabir")
    before = salon.accounts(_store(c)).to_dict()
    forged = [
        ("/accounts", {"name": "Forged"}),
        (f"/accounts/{ACCOUNT}/notes", {"text": "forged"}),
        (f"/accounts/{ACCOUNT}/stakeholders", {"person": str(kabir)}),
        (f"/accounts/{ACCOUNT}/remove", {}),
        (f"/people/{kabir}/notes", {"text": "forged"}),
        ("/me", {"account": str(kabir)}),
        (f"/plan/{GOAL}/remove", {}),
        (f"/plan/{GOAL}/report", {}),
        ("/export", {"levels": "private"}),
        ("/collect", {"kind": "rss:feeds", "targets": "http://127.0.0.1:9/feed"}),
    ]
    for path, data in forged:
        for token in (None, "not-it"):
            sent = {**data, **({"csrf": token} if token else {})}
            response = c.post(path, data=sent, follow_redirects=False)
            assert response.status_code == 403, (path, token)
    assert c.post("/api/v1/accounts", json={"name": "Forged"}).status_code == 403
    assert c.delete(f"/api/v1/goals/{GOAL}").status_code == 403
    assert c.post("/api/v1/me", json={"account": str(kabir)}).status_code == 403
    assert salon.accounts(_store(c)).to_dict() == before
    assert [g.name for g in salon.goals(_store(c))] == [GOAL]
    assert c.app.state.salon.collects == {}  # nothing was collected


def test_load_an_account_plan_file(writable: TestClient) -> None:
    c = writable
    plan = (
        '[account]\nname = "Hyperion Photonics"\ndomain = "hyperion.example"\n\n'
        '[[stakeholders]]\nperson = "Kabir Mehta"\nrole = "evaluator"\ntitle = "Head of R&D"\n\n'
        '[[notes]]\nfield = "issues"\ntext = "Cryostat supply is late"\nobserved = 2024-02-01\n'
    )
    csrf = _csrf(c)
    loaded = c.post(
        "/accounts/import",
        data={"csrf": csrf},
        files={"file": ("hyperion.toml", plan, "application/toml")},
        follow_redirects=False,
    )
    assert loaded.status_code == 303, loaded.text
    assert loaded.headers["location"] == "/accounts/Hyperion%20Photonics"
    shown = salon.account(_store(c), "Hyperion Photonics")
    assert [(s["name"], s["role"]) for s in shown.stakeholders] == [("Kabir Mehta", "evaluator")]
    assert [n["text"] for n in shown.notes] == ["Cryostat supply is late"]
    # Again: nothing new (as salon account import); a bad record: a message, nothing written.
    api = TestClient(c.app, headers={"Authorization": f"Bearer {TOKEN}"})
    again = api.post("/api/v1/accounts/import", files={"file": ("hyperion.toml", plan)})
    assert again.status_code == 200 and not any(again.json()["added"].values())
    bad = plan.replace('role = "evaluator"', 'role = "wizard"').replace("Hyperion", "Borked")
    refused = api.post("/api/v1/accounts/import", files={"file": ("borked.toml", bad)})
    assert refused.status_code == 400 and "wizard" in refused.json()["error"]
    assert "Borked Photonics" not in [a["name"] for a in salon.accounts(_store(c)).accounts]


def test_a_note_about_a_person_is_private_and_escaped(writable: TestClient) -> None:
    c = writable
    kabir = _pid(c, "kabir")
    csrf = _csrf(c, f"/people/{kabir}")
    sent = c.post(
        f"/people/{kabir}/notes",
        data={"csrf": csrf, "text": f"Prefers numbers {HOSTILE}", "observed": "2024-05-02"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/people/{kabir}"
    page = c.get(f"/people/{kabir}").text
    assert "Prefers numbers &lt;script&gt;" in page and HOSTILE not in page
    person = c.get(f"/api/v1/people/{kabir}").json()
    [note] = [n for n in person["private_notes"] if n["text"].startswith("Prefers numbers")]
    assert note["level"] == "private" and note["observed_at"].startswith("2024-05-02")
    twin = c.post(
        f"/api/v1/people/{kabir}/notes",
        json={"text": "Likes Graz", "level": "team"},
        headers={"X-CSRF-Token": csrf},
    )
    assert twin.status_code == 200 and twin.json()["added"] is True
    bad_day = c.post(f"/people/{kabir}/notes", data={"csrf": csrf, "text": "x", "observed": "soon"})
    assert bad_day.status_code == 400 and "no date" in bad_day.text


def test_say_which_account_is_you(writable: TestClient) -> None:
    c = writable
    kabir = _pid(c, "kabir")
    csrf = _csrf(c, "/")
    done = c.post("/me", data={"csrf": csrf, "account": str(kabir)}, follow_redirects=False)
    assert done.status_code == 303
    you = int(done.headers["location"].rsplit("/", 1)[-1])
    assert c.get(f"/api/v1/people/{you}").json()["is_self"] is True
    unknown = c.post(
        "/api/v1/me", json={"account": "@nobody-at-all.example"}, headers={"X-CSRF-Token": csrf}
    )
    assert unknown.status_code in (400, 404) and unknown.json()["ok"] is False


def test_remove_a_goal(writable: TestClient) -> None:
    c = writable
    csrf = _csrf(c, f"/plan/{GOAL}")
    assert f'action="/plan/{GOAL}/remove"' in c.get(f"/plan/{GOAL}").text
    gone = c.post(f"/plan/{GOAL}/remove", data={"csrf": csrf}, follow_redirects=False)
    assert gone.status_code == 303 and salon.goals(_store(c)) == []
    missing = c.delete(f"/api/v1/goals/{GOAL}", headers={"X-CSRF-Token": csrf})
    assert missing.status_code == 404 and missing.json()["ok"] is False


def test_a_goal_with_an_account_and_replaced(writable: TestClient) -> None:
    c = writable
    salon.remove_goal(_store(c), GOAL)  # with no goal, /plan lists the goals and its form
    c.app.state.salon.writes += 1
    page = c.get("/plan").text
    assert f"<option>{ACCOUNT}</option>" in page
    csrf = page.split('name="csrf" content="')[1].split('"')[0]
    goal = {"csrf": csrf, "name": "sell-qec", "objective": "sell", "segment": "quantum-algorithms"}
    made = c.post("/plan", data={**goal, "accounts": [ACCOUNT]}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/plan/sell-qec"
    [stored] = salon.goals(_store(c))
    assert (stored.objective, stored.accounts) == ("sell", [ACCOUNT])
    again = c.post("/plan", data={**goal, "objective": "learn"}, follow_redirects=False)
    assert again.status_code == 400  # a goal of that name exists: replace it only when asked
    replaced = c.post("/plan", data={**goal, "objective": "learn", "replace": "true"})
    assert replaced.status_code == 200
    assert [(g.objective, g.accounts) for g in salon.goals(_store(c))] == [("learn", [])]


def test_a_segment_replaced_and_removed(writable: TestClient) -> None:
    c = writable
    csrf = _csrf(c, "/segments")
    rule = {"csrf": csrf, "name": "labs", "rule": "org:quantum labs"}
    assert c.post("/segments", data=rule, follow_redirects=False).status_code == 303
    again = c.post("/segments", data={**rule, "rule": "platform:quantumcomputing"})
    assert again.status_code == 400  # exists: replaced only when asked (as --replace)
    c.post("/segments", data={**rule, "rule": "platform:quantumcomputing", "replace": "true"})
    listed = {s["name"]: s for s in c.get("/api/v1/segments").json()}
    expected = salon.add_segment(_store(c), "qa", "platform:quantumcomputing").people
    assert listed["labs"]["rule"] == "platform:quantumcomputing"
    assert listed["labs"]["people"] == expected > 300
    assert c.delete("/api/v1/segments/labs").status_code == 403  # no CSRF token
    gone = c.delete("/api/v1/segments/labs", headers={"X-CSRF-Token": csrf})
    assert gone.json() == {"name": "labs", "rule": "platform:quantumcomputing"}
    assert "labs" not in [s.name for s in salon.segments(_store(c))]
