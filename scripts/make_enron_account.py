"""Rebuild the Enron sample of the example account (src/salon/data/enron_ets.mbox.gz) from
../shared/data/enron_perry_wolfe (run from the repo root).

The example: you are Jeff Dasovich (Director, Regulatory and Government Affairs), and your
account is Enron Transportation Services (ETS), the pipeline group (Transwestern, Northern
Natural Gas). The sample holds every message of the Perry & Wolfe table whose sender and
recipients all work in ETS, in Regulatory and Government Affairs or in Enron's executive
office, as headers only (From, To, Date, Subject, Message-ID: the table has no bodies); the
messages to Jeff Dasovich carry ``Delivered-To`` so that Salon's mail importer makes him you.
Addresses are first.last@enron.com, the corpus's own form.
"""

from __future__ import annotations

import gzip
import re
import time
import unicodedata
from collections import defaultdict
from email.header import Header
from email.utils import formataddr, formatdate
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "enron_perry_wolfe"
OUT = Path(__file__).resolve().parents[1] / "src" / "salon" / "data" / "enron_ets.mbox.gz"
#: The long departments whose people are in the sample.
DEPARTMENTS = {"ETS", "Regulatory and Government Affairs", "Enron"}
YOU = 20  # Jeff Dasovich


def address(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [re.sub(r"[^a-z]", "", w.lower()) for w in plain.split()]
    words = [w for w in words if len(w) > 1 and w not in ("jr", "sr")]
    return f"{words[0]}.{words[-1]}@enron.com"


def main() -> None:
    names, group = {}, set()
    for line in (SHARED / "employees.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        names[int(parts[0])] = parts[1]
        if parts[3] in DEPARTMENTS:
            group.add(int(parts[0]))
    recipients: dict[str, list[int]] = defaultdict(list)
    for line in (SHARED / "recipients.tsv").read_text().splitlines():
        message, _, receiver = line.split("\t")
        recipients[message].append(int(receiver))
    written = 0
    with gzip.open(OUT, "wt", encoding="ascii", compresslevel=9) as out:
        text = (SHARED / "messages.tsv").read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            message, _, at_text, subject, sender_text = line.split("\t")
            sender, at = int(sender_text), int(at_text)
            to = list(dict.fromkeys(recipients.get(message, [])))
            if not to or sender not in group or not set(to) <= group:
                continue

            def who(i: int) -> str:
                return formataddr((names[i], address(names[i])), charset="utf-8")

            head = Header(subject, "utf-8").encode() if not subject.isascii() else subject
            delivered = f"Delivered-To: {address(names[YOU])}\n" if YOU in to else ""
            out.write(
                f"From {address(names[sender])} {time.asctime(time.gmtime(at))}\n"
                f"{delivered}From: {who(sender)}\nTo: {', '.join(who(r) for r in to)}\n"
                f"Date: {formatdate(at)}\nSubject: {head}\n"
                f"Message-ID: <{message}@perry-wolfe.enron>\n\n\n"
            )
            written += 1
    print(f"{written} messages → {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
