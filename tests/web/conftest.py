"""The web tests' store: the shipped LinkedIn export and Q&A posts, a segment, and a vCard
whose name and note carry markup (which every page must show as text)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import salon
from salon.importers.base import ImportOptions

TOKEN = "test-token-" + "x" * 32
#: The goal planned, and a private note the leak guard keeps out of posts.
GOAL = "known-by-algorithms"
SECRET = "Quantum Labs is moving its whole error correction team to Graz next March."
LEAKY = "Big news I heard: Quantum Labs moves the whole error correction team to Graz in March!"

#: The segment the pages are tested with (as the demo once defined it).
SEGMENT = ("quantum-algorithms", "tag:quantum-algorithms & platform:quantumcomputing")
HOSTILE = "<script>alert('pwned')</script>"

CARD = f"""BEGIN:VCARD
VERSION:3.0
FN:Eve {HOSTILE}
N:{HOSTILE};Eve;;;
ORG:Quantum Labs
TITLE:CTO <b>bold</b>
EMAIL:eve@quantum.example
ADR:;;;Vienna;;;Austria
NOTE:note {HOSTILE}
END:VCARD
"""


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web")
    path = folder / "salon.db"
    card = folder / "eve.vcf"
    card.write_text(CARD)
    path.touch(mode=0o600)
    with salon.open_store(str(path)) as store:
        for sample, namespace, _ in salon.demo.sample_paths():
            if namespace != "radoslaw":
                salon.import_paths(store, [sample], options=ImportOptions(namespace=namespace))
        salon.import_paths(store, [card])
        salon.add_segment(store, *SEGMENT)
        salon.add_goal(
            store, GOAL, objective="reach", segment=SEGMENT[0], topic="quantum error correction"
        )
        salon.add_account(store, "Quantum Labs")
        salon.add_note(store, SECRET, field="projects", account="Quantum Labs")
    return path


@pytest.fixture
def web_copy(web_db: Path, tmp_path: Path) -> Path:
    """A copy of the store a test may change."""
    copy = tmp_path / "salon.db"
    copy.write_bytes(web_db.read_bytes())
    copy.chmod(0o600)
    return copy


@pytest.fixture
def client(web_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[object]:
    """A TestClient holding the token's cookie (as a browser after the printed URL)."""
    from fastapi.testclient import TestClient

    from salon.web.app import create_app

    monkeypatch.setenv("SALON_UPLOADS", str(tmp_path / "uploads"))
    with salon.open_store(str(web_db)) as store:
        app = create_app(store, token=TOKEN)
        with TestClient(app) as browser:
            response = browser.get(f"/?token={TOKEN}", follow_redirects=False)
            assert response.status_code == 303
            yield browser
