"""Files from the browser: the export as a zip (what ``salon export`` writes; private notes only
when asked), the plan's report (HTML with the plan's sections) and the meeting planner on an
uploaded calendar (with its invitations)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import icalendar
from fastapi.testclient import TestClient

import salon
from tests.web.conftest import GOAL, SECRET, TOKEN


def _csrf(c: TestClient, path: str) -> str:
    return c.get(path).text.split('name="csrf" content="')[1].split('"')[0]


def _unzip(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_is_what_salon_export_writes(client: TestClient, tmp_path: Path) -> None:
    store = client.app.state.salon.store
    csrf = _csrf(client, "/export")
    page = client.get("/export").text
    assert 'value="private" >' in page or 'value="private">' in page  # not ticked
    shared = client.post("/export", data={"csrf": csrf, "levels": ["team", "public"]})
    assert shared.status_code == 200 and shared.headers["content-type"] == "application/zip"
    assert "salon-export.zip" in shared.headers["content-disposition"]
    files = _unzip(shared.content)
    expected = salon.export(store, tmp_path / "cli", levels=("team", "public"))
    jsonl = {
        f"salon-export/{t}.jsonl"
        for t in expected.tables
        if (tmp_path / "cli" / f"{t}.jsonl").exists()
    }
    assert jsonl <= set(files) and len(jsonl) > 10
    for name in jsonl:  # the same rows, byte for byte
        assert files[name] == (tmp_path / "cli" / name.split("/", 1)[1]).read_bytes(), name
    people = [json.loads(line) for line in files["salon-export/people.jsonl"].splitlines()]
    assert len(people) == salon.stats(store).tables["people"] > 100
    assert SECRET.encode() not in b"".join(files.values())  # the private note stays home
    # Asked for private intelligence: the note is in it, marked private.
    everything = _unzip(
        client.post("/export", data={"csrf": csrf, "levels": ["private", "team", "public"]}).content
    )
    notes = [json.loads(line) for line in everything["salon-export/notes.jsonl"].splitlines()]
    assert [(n["text"], n["level"]) for n in notes if n["text"] == SECRET] == [(SECRET, "private")]
    # The JSON twin: by default nothing private either.
    api = TestClient(client.app, headers={"Authorization": f"Bearer {TOKEN}"})
    twin = _unzip(api.post("/api/v1/export", json={}).content)
    assert twin["salon-export/notes.jsonl"] == files["salon-export/notes.jsonl"]
    assert api.post("/api/v1/export", json={"levels": ["secret"]}).status_code == 422


def test_the_report_is_html_with_the_plans_sections(client: TestClient) -> None:
    csrf = _csrf(client, f"/plan/{GOAL}")
    assert 'id="report-form"' in client.get(f"/plan/{GOAL}").text
    page = client.post(f"/plan/{GOAL}/report", data={"csrf": csrf})
    assert page.status_code == 200 and "left out" in page.text
    link = page.text.split('id="download-report-html" href="')[1].split('"')[0]
    report = client.get(link)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    html = report.text
    plan = client.get(f"/api/v1/plan/{GOAL}").json()
    assert html.lstrip().lower().startswith("<!doctype html")
    for section in ("agenda_setters", "channels", "milestones"):
        assert section in plan
    api = TestClient(client.app, headers={"Authorization": f"Bearer {TOKEN}"})
    done = api.post(f"/api/v1/plan/{GOAL}/report", json={}).json()
    assert done["include_private"] is False and done["downloads"]["pdf"] is None
    assert len(done["sections"]) >= 5
    for section in done["sections"]:
        assert f'id="{section}"' in html, section
    assert SECRET not in html
    private = api.post(f"/api/v1/plan/{GOAL}/report", json={"include_private": True}).json()
    with_notes = api.get(f"/api/v1/downloads/{private['downloads']['html']}").text
    assert private["include_private"] is True
    assert "accounts" in private["sections"] and "accounts" not in done["sections"]
    assert 'id="accounts"' in with_notes and 'id="accounts"' not in html
    assert api.post("/api/v1/plan/no-such-goal/report", json={}).status_code == 404
    assert api.get("/api/v1/downloads/" + "0" * 32).status_code == 404


def _trip(city: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:trip-1@test\r\nDTSTAMP:20300101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20300512\r\nDTEND;VALUE=DATE:20300515\r\n"
        f"SUMMARY:Quantum conference\r\nLOCATION:{city}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_the_meeting_planner_on_an_uploaded_calendar(client: TestClient, tmp_path: Path) -> None:
    store = client.app.state.salon.store
    trip = tmp_path / "trip.ics"
    trip.write_text(_trip("Vienna\\, Austria"))
    expected = salon.meet(store, calendar=trip).to_dict()
    csrf = _csrf(client, "/meet")
    assert 'id="meet-calendar"' in client.get("/meet").text
    page = client.post(
        "/meet/calendar", data={"csrf": csrf}, files={"file": ("trip.ics", trip.read_bytes())}
    )
    assert page.status_code == 200, page.text
    api = TestClient(client.app, headers={"Authorization": f"Bearer {TOKEN}"})
    twin = api.post("/api/v1/meet/calendar", files={"file": ("trip.ics", trip.read_bytes())}).json()
    assert [t["city"] for t in twin["trips"]] == [t["city"] for t in expected["trips"]] != []
    names = [s["name"] for p in expected["plans"] for s in p["suggestions"]]
    assert [s["name"] for p in twin["plans"] for s in p["suggestions"]] == names
    assert names and all(n in page.text for n in names if "<" not in n)
    link = page.text.split('id="download-ics" href="')[1].split('"')[0]
    invitations = icalendar.Calendar.from_ical(client.get(link).content).walk("VEVENT")
    assert len(invitations) == len(names)
    # Bounded by dates (as --since/--until): a window before the trip holds no trip.
    bounded = salon.meet(store, calendar=trip, since=1893456000, until=1893542400).to_dict()
    window = {"from": "2030-01-01", "to": "2030-01-02"}
    twin = api.post(
        "/api/v1/meet/calendar", data=window, files={"file": ("trip.ics", trip.read_bytes())}
    ).json()
    assert twin["trips"] == bounded["trips"] == []
    wrong = api.post(
        "/api/v1/meet/calendar", data={"from": "soon"}, files={"file": ("t.ics", b"x")}
    )
    assert wrong.status_code == 400 and "no date for from" in wrong.json()["error"]
    empty = client.post("/meet/calendar", data={"csrf": csrf}, files={"file": ("e.ics", b"")})
    assert empty.status_code == 400 and "empty" in empty.text


def test_old_downloads_are_deleted(client: TestClient, tmp_path: Path) -> None:
    from salon.web import routes_files

    web = client.app.state.salon
    folders = []
    for n in range(routes_files.KEEP + 2):
        folder = tmp_path / f"made-{n}"
        folder.mkdir()
        (folder / "report.html").write_text(f"report {n}")
        folders.append(folder)
        key = routes_files._offer(web, folder / "report.html", "r.html", "text/html")
    assert client.get(f"/downloads/{key}").text == f"report {routes_files.KEEP + 1}"
    assert [f.exists() for f in folders[:3]] == [False, False, True]
    assert len(web.downloads) == routes_files.KEEP
