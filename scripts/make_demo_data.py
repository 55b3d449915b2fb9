"""Rebuild the sample data shipped in src/salon/data from ../shared/data (run from the repo root).

Only data whose licence allows redistribution is shipped; src/salon/data/SOURCES.md cites it.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "src" / "salon" / "data"


def linkedin() -> None:
    source = SHARED / "exports" / "linkedin_export_2018_pseudonymised"
    with zipfile.ZipFile(OUT / "linkedin_export_2018.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(source.glob("*.csv")):
            z.write(f, f.name)


def radoslaw() -> None:
    source = SHARED / "radoslaw_email_konect" / "out.radoslaw_email_email"
    with open(source, "rb") as src, gzip.open(OUT / "radoslaw_email.txt.gz", "wb", 9) as dst:
        shutil.copyfileobj(src, dst)


def quantum_posts() -> None:
    users = ET.parse(SHARED / "stackexchange_quantumcomputing" / "Users.xml").getroot()
    names = {u.get("Id"): u.get("DisplayName") for u in users if u.get("DisplayName")}
    tree = ET.parse(SHARED / "stackexchange_quantumcomputing" / "Posts.xml")
    lines = []
    for row in tree.getroot():
        a = row.attrib
        if a.get("PostTypeId") not in ("1", "2") or not a.get("OwnerUserId"):
            continue
        body = html.unescape(re.sub(r"<[^>]+>", " ", a.get("Body", "")))
        text = " ".join(((a.get("Title") or "") + " " + body).split())[:400]
        tags = re.findall(r"<([^>]+)>", a.get("Tags", ""))
        lines.append(
            json.dumps(
                {
                    "id": a["Id"],
                    "author": a["OwnerUserId"],
                    "author_name": names.get(a["OwnerUserId"]),
                    "time": a["CreationDate"] + "Z",
                    "text": text,
                    "channel": "quantumcomputing.stackexchange.com",
                    "reply_to": a.get("ParentId"),
                    "tags": tags,
                    "url": f"https://quantumcomputing.stackexchange.com/q/{a['Id']}",
                },
                ensure_ascii=False,
            )
        )
    with gzip.open(OUT / "quantumcomputing_posts.jsonl.gz", "wt", 9, encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    linkedin()
    radoslaw()
    quantum_posts()
