"""The web app through FastAPI's TestClient: the token, the CSP, escaping, the JSON error
shape, CSRF, and every page beside its JSON twin on real (shipped) data."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import salon
from salon.web.app import create_app
from tests.web.conftest import GOAL, HOSTILE, LEAKY, SECRET, TOKEN


@pytest.fixture
def bare(web_db: Path):
    with salon.open_store(str(web_db)) as store, TestClient(create_app(store, token=TOKEN)) as c:
        yield c


def test_without_the_token_everything_is_refused(bare: TestClient) -> None:
    for path in ("/", "/people", "/people/1", "/static/salon.css", "/api/v1/openapi.json"):
        response = bare.get(path)
        assert response.status_code == 401, path
    api = bare.get("/api/v1/people")
    assert api.json() == {
        "ok": False,
        "error": api.json()["error"],
        "status": 401,
    }
    assert "access token" in api.json()["error"]
    page = bare.get("/people")
    assert "text/html" in page.headers["content-type"] and "This Salon is locked" in page.text
    assert "Kabir" not in page.text  # nothing of the store leaks on the refusal
    wrong = bare.get("/api/v1/people", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert bare.get("/people?token=wrong").status_code == 401
    bare.cookies.set("salon_token", "wrong")
    assert bare.get("/people").status_code == 401


def test_the_printed_url_sets_a_cookie_and_drops_the_token(bare: TestClient) -> None:
    first = bare.get(f"/people?q=kabir&token={TOKEN}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/people?q=kabir"
    cookie = first.headers.get_list("set-cookie")
    assert any(c.startswith("salon_token=") and "HttpOnly" in c for c in cookie)
    assert any("SameSite=strict" in c or "samesite=strict" in c.lower() for c in cookie)
    after = bare.get("/people?q=kabir")
    assert after.status_code == 200 and "Kabir Mehta" in after.text
    bearer = TestClient(bare.app).get(
        "/api/v1/people?q=kabir", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert bearer.json()["people"][0]["name"] == "Kabir Mehta"


def test_csp_and_headers_on_every_response(client: TestClient, bare: TestClient) -> None:
    for response in (
        client.get("/"),
        client.get("/static/salon.css"),
        client.get("/api/v1/people/999999"),
        bare.get("/people"),
    ):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_only_local_host_names(web_db: Path) -> None:
    with salon.open_store(str(web_db)) as store:
        app = create_app(store, token=TOKEN, allowed_hosts=("127.0.0.1", "localhost"))
        c = TestClient(app, base_url="http://evil.example")
        assert c.get(f"/?token={TOKEN}").status_code == 400  # DNS rebinding is refused
        assert (
            TestClient(app, base_url="http://127.0.0.1:8765")
            .get("/api/v1/stats", headers={"Authorization": f"Bearer {TOKEN}"})
            .status_code
            == 200
        )


def test_markup_in_the_data_renders_as_text(client: TestClient) -> None:
    found = client.get("/api/v1/people", params={"q": "quantum.example"}).json()["people"]
    assert len(found) == 1 and HOSTILE in found[0]["name"]
    eve = found[0]["id"]
    for path in (f"/people/{eve}", "/people?q=quantum.example", f"/people?q={HOSTILE}"):
        page = client.get(path).text
        assert "<script>alert" not in page, path
        assert "<b>bold</b>" not in page
    page = client.get(f"/people/{eve}").text
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page
    assert "CTO &lt;b&gt;bold&lt;/b&gt;" in page
    # The vCard's note is a private note on Eve: shown on her page, marked private, as text.
    notes = client.get(f"/api/v1/people/{eve}").json()["private_notes"]
    assert [n["text"] for n in notes] == [f"note {HOSTILE}"]
    assert 'id="private-notes"' in page and "note &lt;script&gt;alert(" in page
    # Every script on the page is a file of this server.
    assert page.count("<script") == page.count('<script src="/static/') + page.count(
        '<script type="application/json"'
    )


def test_errors_have_one_json_shape_and_a_friendly_page(client: TestClient) -> None:
    cases = {
        "/api/v1/people/999999": (404, "No person 999999"),
        "/api/v1/nothing": (404, "There is no page"),
        "/api/v1/people?limit=0": (422, "limit"),
        "/api/v1/people?stage=sideways": (400, "Unknown stage 'sideways'"),
        "/api/v1/segments/nobody-here": (404, "No segment 'nobody-here'"),
        "/api/v1/forecast?innovation=tag:none-such": (400, "Too little adoption"),
    }
    for path, (status, text) in cases.items():
        response = client.get(path)
        body = response.json()
        assert response.status_code == status, path
        assert set(body) == {"ok", "error", "status"} and body["ok"] is False
        assert body["status"] == status and text in body["error"], (path, body)
    page = client.get("/people/999999")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "No person 999999" in page.text and "Traceback" not in page.text


def test_forms_refuse_a_forged_request(client: TestClient) -> None:
    rule = {"name": "acme", "rule": "org:quantum labs"}
    forged = client.post("/segments", data=rule, follow_redirects=False)
    assert forged.status_code == 403 and "security token" in forged.text
    stale = client.post("/segments", data={**rule, "csrf": "not-it"}, follow_redirects=False)
    assert stale.status_code == 403
    api = client.post("/api/v1/segments", json=rule)
    assert api.status_code == 403 and api.json()["status"] == 403
    assert "acme" not in [s["name"] for s in client.get("/api/v1/segments").json()]


def test_a_form_with_its_token_works(web_copy: Path) -> None:
    with salon.open_store(str(web_copy)) as store, TestClient(create_app(store, token=TOKEN)) as c:
        c.get(f"/?token={TOKEN}")
        page = c.get("/segments").text
        csrf = page.split('name="csrf" content="')[1].split('"')[0]
        done = c.post(
            "/segments",
            data={"name": "acme", "rule": "org:quantum labs", "csrf": csrf},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == "/segments/acme"
        listed = {s["name"]: s["people"] for s in c.get("/api/v1/segments").json()}
        assert listed["acme"] == 1
        # A script authenticated by the header needs no CSRF token: no site can forge it.
        api = TestClient(c.app).post(
            "/api/v1/segments",
            json={"name": "qa", "rule": "platform:quantumcomputing"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        expected = salon.add_segment(store, "qa2", "platform:quantumcomputing").people
        assert api.status_code == 200 and api.json()["people"] == expected > 300


def test_people_filters(client: TestClient) -> None:
    everyone = client.get("/api/v1/people", params={"limit": 500}).json()
    assert everyone["people"][0]["is_self"] and everyone["total"] == len(
        salon.people(client.app.state.salon.store, limit=10**6)
    )
    members = client.get("/api/v1/people", params={"segment": "quantum-algorithms"}).json()
    assert members["total"] == 61  # as 'salon segment list' counts it
    talked = client.get("/api/v1/people", params={"stage": "conversed"}).json()
    assert talked["total"] == 5 and set(talked["stages"].values()) == {"conversed"}
    store = client.app.state.salon.store
    shown = salon.communities(store, members=True, limit=10**6).to_dict()["shown"]
    yours = next(
        c for c in shown if any(m["id"] == everyone["people"][0]["id"] for m in c["members"])
    )
    found = client.get(
        "/api/v1/people", params={"community": yours["community"], "limit": 500}
    ).json()
    assert found["total"] == yours["size"] and found["people"][0]["is_self"]
    assert {p["id"] for p in found["people"]} == {m["id"] for m in yours["members"]}
    page = client.get("/api/v1/people", params={"offset": 10, "limit": 5}).json()
    assert [p["id"] for p in page["people"]] == [p["id"] for p in everyone["people"][10:15]]


def test_person_page_has_identities_timeline_and_scores(client: TestClient) -> None:
    faisal = client.get("/api/v1/people", params={"q": "faisal"}).json()["people"][0]["id"]
    data = client.get(f"/api/v1/people/{faisal}").json()
    assert data["scores"]["stage"] == "conversed"
    tie = data["scores"]["tie"]
    assert tie["by_kind"] == {"message": 3} and tie["answers"] == 2
    assert data["timeline"][0]["file"].endswith("Messages.csv")
    page = client.get(f"/people/{faisal}").text
    assert "Faisal Qureshi" in page and "Messages.csv:5" in page and "conversed" in page


def test_agenda_setters_link_to_people_and_the_map_has_them(client: TestClient) -> None:
    data = client.get("/api/v1/segments/quantum-algorithms", params={"top": 5}).json()
    leaders = data["influencers"]["influencers"]
    store = client.app.state.salon.store
    assert [r["person"] for r in leaders] == [
        r["person"] for r in salon.influencers(store, "quantum-algorithms", top=5).influencers
    ]
    page = client.get("/segments/quantum-algorithms?top=5").text
    assert f'href="/people/{leaders[0]["person"]}"' in page
    graph = client.get("/api/v1/segments/quantum-algorithms/map", params={"setters": 5}).json()
    roles = {n["id"]: n["role"] for n in graph["nodes"]}
    assert all(roles[r["person"]] == "agenda-setter" for r in leaders)
    assert sum(r == "member" for r in roles.values()) == graph["members_in_graph"]
    assert "you" in roles.values()
    n = len(graph["nodes"])
    assert all(0 <= a < n and 0 <= b < n for a, b, _ in graph["edges"])
    # Once computed, the person's page shows the score with its evidence.
    person = client.get(f"/api/v1/people/{leaders[0]['person']}").json()
    assert person["scores"]["agenda_setter"][0]["rank"] == 1


def test_forecast_plot_and_stages(client: TestClient) -> None:
    query = {"innovation": "tag:quantum-algorithms", "period": "week"}
    data = client.get("/api/v1/forecast", params=query).json()
    store = client.app.state.salon.store
    expected = salon.forecast(store, "tag:quantum-algorithms", period="week").to_dict()
    assert data["forecasts"] == expected["forecasts"]
    page = client.get("/forecast", params=query).text
    low = expected["forecasts"][-1]["low"]
    assert '"low": [' in page and f"{low}" in page.replace(" ", "")
    stages = client.get("/api/v1/adoption", params=query).json()
    assert sum(stages["shares"].values()) == pytest.approx(1.0)


def test_funnel_meet_where_and_imports_pages(client: TestClient) -> None:
    for path in (
        "/",
        "/segments",
        "/funnel",
        "/meet?city=Delhi",
        "/adoption",
        "/imports",
        "/where?topic=quantum+error+correction&segment=quantum-algorithms",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
    funnel = client.get("/api/v1/funnel").json()
    assert [s["stage"] for s in funnel["stages"]][:2] == ["online", "conversed"]
    ics = client.get("/api/v1/meet.ics", params={"city": "Vienna"})
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "attachment" in ics.headers["content-disposition"]
    assert ics.text.startswith("BEGIN:VCALENDAR")


def test_upload_an_export_and_read_its_report(web_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SALON_UPLOADS", str(tmp_path / "uploads"))
    card = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Zebulon Uploadsworth\nEMAIL:zeb@upload.example\nEND:VCARD\n"
    )
    with salon.open_store(str(web_copy)) as store, TestClient(create_app(store, token=TOKEN)) as c:
        c.get(f"/?token={TOKEN}")
        csrf = c.get("/imports").text.split('name="csrf" content="')[1].split('"')[0]
        sent = c.post(
            "/imports",
            data={"csrf": csrf},
            files={"file": ("zed.vcf", card, "text/vcard")},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        job = sent.headers["location"].rsplit("/", 1)[-1]
        for _ in range(200):
            state = c.get(f"/api/v1/imports/jobs/{job}").json()
            if state["state"] != "running":
                break
            time.sleep(0.05)
        assert state["state"] == "done", state
        assert state["report"]["added"]["people"] == 1
        page = c.get(f"/imports/jobs/{job}").text
        assert "Imported" in page and "import-report" in page
        assert c.get("/api/v1/people", params={"q": "uploadsworth"}).json()["total"] == 1
        empty = c.post(
            "/imports", data={"csrf": csrf}, files={"file": ("e.vcf", b"", "text/vcard")}
        )
        assert empty.status_code == 400 and "is empty" in empty.text


def _csrf(c: TestClient, path: str = "/leak") -> str:
    return c.get(path).text.split('name="csrf" content="')[1].split('"')[0]


def test_the_leak_guard_blocks_a_leaking_draft(client: TestClient) -> None:
    csrf = _csrf(client)
    blocked = client.post("/leak", data={"csrf": csrf, "text": LEAKY})
    assert blocked.status_code == 200 and 'data-leaks="true"' in blocked.text
    assert "Blocked" in blocked.text and "Quantum Labs" in blocked.text
    fine = client.post("/leak", data={"csrf": csrf, "text": "Lovely weather for a walk today."})
    assert 'data-leaks="false"' in fine.text
    assert client.post("/leak", data={"text": LEAKY}).status_code == 403
    api = TestClient(client.app).post(
        "/api/v1/check-post", json={"text": LEAKY}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    store = client.app.state.salon.store
    assert api.json() == salon.check_post(store, LEAKY).to_dict()
    assert api.json()["flags"][0]["secret"]["text"] == SECRET


def test_accounts_are_marked_private(client: TestClient) -> None:
    data = client.get("/api/v1/accounts").json()
    assert [a["name"] for a in data["accounts"]] == ["Quantum Labs"]
    for path in ("/accounts", "/accounts/Quantum%20Labs"):
        page = client.get(path).text
        assert 'class="tag private"' in page and "private-box" in page
    assert SECRET in client.get("/accounts/Quantum%20Labs").text
    assert client.get("/api/v1/accounts/Nobody%20Inc").json()["status"] == 404


def test_the_plan_links_each_item_to_its_evidence(client: TestClient) -> None:
    data = client.get(f"/api/v1/plan/{GOAL}").json()
    store = client.app.state.salon.store
    expected = salon.plan(store, GOAL, include_private=True).to_dict()
    assert data["agenda_setters"] == expected["agenda_setters"]
    assert data["accounts"] is not None  # the owner's page shows the accounts section
    page = client.get(f"/plan/{GOAL}").text
    for person in data["agenda_setters"]["known_by"]:
        assert f'href="/people/{person["person"]}"' in page
    assert 'href="/segments/quantum-algorithms/win"' in page
    assert "/where?topic=quantum%20error%20correction&segment=quantum-algorithms" in page
    assert client.get("/plan", follow_redirects=False).headers["location"] == f"/plan/{GOAL}"
    assert client.get("/api/v1/plan/no-such-goal").json()["status"] == 404


def test_merge_and_undo_from_the_browser(web_copy: Path) -> None:
    with salon.open_store(str(web_copy)) as store, TestClient(create_app(store, token=TOKEN)) as c:
        c.get(f"/?token={TOKEN}")
        ids = [
            c.get("/api/v1/people", params={"q": q}).json()["people"][0]["id"]
            for q in ("faisal", "quantum.example")
        ]
        csrf = _csrf(c, "/duplicates")
        assert c.post("/merge", data={"keep": ids[0], "other": ids[1]}).status_code == 403
        done = c.post(
            "/merge", data={"csrf": csrf, "keep": ids[0], "other": ids[1]}, follow_redirects=False
        )
        assert done.status_code == 303
        merged = c.get(f"/api/v1/people/{ids[0]}").json()
        assert merged["merged_people"] == [ids[1]]
        assert "undo the merges" in c.get(f"/people/{ids[0]}").text
        c.post(f"/people/{ids[0]}/unmerge", data={"csrf": csrf})
        assert c.get(f"/api/v1/people/{ids[0]}").json()["merged_people"] == []


def test_the_other_questions_have_pages_and_twins(client: TestClient) -> None:
    store = client.app.state.salon.store
    checks = {
        "/api/v1/communities": salon.communities(store).to_dict(),
        "/api/v1/ties": salon.ties(store, None, top=20).to_dict(),
        "/api/v1/duplicates?min_score=0.8": [d.to_dict() for d in salon.duplicates(store)],
        "/api/v1/segments/quantum-algorithms/adoption": {
            "innovators": salon.innovators(store, "quantum-algorithms", top=20).to_dict(),
            "lead_lag": salon.lead_lag(store, "quantum-algorithms").to_dict(),
        },
    }
    for path, expected in checks.items():
        assert client.get(path).json() == json.loads(json.dumps(expected)), path
    for path in (
        "/communities",
        "/ties",
        "/duplicates",
        "/segments/quantum-algorithms/adoption",
        "/accounts",
        "/plan",
        "/imports",
    ):
        assert client.get(path).status_code == 200, path
