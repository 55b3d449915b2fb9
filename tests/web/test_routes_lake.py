"""The market lake from the browser: an edge list uploaded with the import's lake option lands
in the lake (as ``salon import --lake``), the page shows it, checks it and pins a node."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

import salon
from salon.web.app import create_app
from tests.web.conftest import TOKEN

EDGES = "ana bo\nbo cy\ncy ana\ndee ana\n"


def test_an_edge_list_to_the_lake_checked_and_pinned(
    web_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SALON_UPLOADS", str(tmp_path / "uploads"))
    with salon.open_store(str(web_copy)) as store, TestClient(create_app(store, token=TOKEN)) as c:
        c.get(f"/?token={TOKEN}")
        assert "The lake is empty" in c.get("/lake").text
        csrf = c.get("/imports").text.split('name="csrf" content="')[1].split('"')[0]
        form = {"csrf": csrf, "namespace": "tiny", "layout": "edges", "lake": "lake"}
        form["kind"] = "follow"
        sent = c.post(
            "/imports",
            data=form,
            files={"file": ("tiny.edges", EDGES, "text/plain")},
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
        lake = c.get("/api/v1/lake").json()
        assert lake == salon.lake_summary(store).to_dict()
        assert (lake["edges"], lake["nodes"], lake["namespaces"]) == (4, 4, ["tiny"])
        page = c.get("/lake?check=true").text
        assert "The lake is intact" in page and "tiny" in page
        assert c.get("/api/v1/lake/check", params={"quick": True}).json() == []
        forged = c.post("/lake/pin", data={"nodes": "tiny:bo"})
        assert forged.status_code == 403
        pinned = c.post("/lake/pin", data={"csrf": csrf, "nodes": "tiny:bo\ntiny:cy"})
        assert pinned.status_code == 200 and "tiny:bo is" in pinned.text
        api = TestClient(c.app, headers={"Authorization": f"Bearer {TOKEN}"})
        ids = api.post("/api/v1/lake/pin", json={"nodes": ["tiny:bo", "tiny:cy"]}).json()
        assert ids == dict(
            zip(["tiny:bo", "tiny:cy"], salon.lake_pin(store, ["tiny:bo", "tiny:cy"]), strict=True)
        )
        assert c.get(f"/api/v1/people/{ids['tiny:bo']}").status_code == 200
        wrong = c.post("/lake/pin", data={"csrf": csrf, "nodes": "no-namespace"})
        assert wrong.status_code == 400 and "namespace:id" in wrong.text
        assert api.post("/api/v1/lake/repair").json() == []
