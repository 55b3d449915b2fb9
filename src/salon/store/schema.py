"""The store's tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them.

Conventions:

- Times are BIGINT seconds since the Unix epoch, UTC (columns ``*_at``, ``since``, ``start``,
  ``end``, ``first_seen``, ``last_seen``, ``taken_at``).
- Every imported row keeps its provenance: ``import_id`` (which ``salon import`` run added it),
  ``file_id`` (which file, by content hash) and ``line`` (line or record number in that file).
- Ties are unique per (src, dst, kind). Rows without a natural unique key carry ``key``: a
  16-byte digest of the identity keys and fields that make them the same event, so
  re-importing never duplicates them, even after people are merged.
- Meetings also keep their ``calendar`` (``X-WR-CALNAME``, else the file name), ``event`` (the
  UID, with the original start for an occurrence of a series) and ``modified``
  (LAST-MODIFIED). A newer export that changes an event's title, kind, time or place updates
  the row in place (its provenance becomes the newer import's) and appends the replaced values
  to ``history``: a JSON list of ``{"import_id", "file_id", "line", <changed column>: <old
  value>…}``, oldest first. An export older than the row (by ``modified``) changes nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: The newest migration (``migrations/versions``): a store at it needs no Alembic at start-up.
SCHEMA_HEAD = "0009"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _provenance() -> list[Column]:
    return [
        Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
        Column("file_id", Integer, ForeignKey("files.id"), nullable=False),
        Column("line", Integer, nullable=False),
    ]


imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger),
    Column("salon_version", String(32), nullable=False),
    Column("paths", Text, nullable=False),
    Column("report", Text),
)

files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("importer", String(32), nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", Text),
    Column("headline", Text),
    Column("location", Text),
    Column("is_self", Boolean, nullable=False, default=False),
    Column("merged_into", Integer, ForeignKey("people.id"), index=True),
    *_provenance(),
)

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("person_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
    Column("platform", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", Text, nullable=False),
    *_provenance(),
    UniqueConstraint("platform", "kind", "value"),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("key", Text, nullable=False, unique=True),
    *_provenance(),
)

affiliations = Table(
    "affiliations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("title", Text),
    Column("location", Text),
    Column("start", BigInteger),
    Column("end", BigInteger),
    Column("key", LargeBinary(16), nullable=False, unique=True),
    *_provenance(),
)

ties = Table(
    "ties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("src_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
    Column("dst_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("weight", Float, nullable=False),
    Column("since", BigInteger),
    Column("first_seen", BigInteger),
    Column("last_seen", BigInteger),
    *_provenance(),
    UniqueConstraint("src_id", "dst_id", "kind"),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("src_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
    Column("dst_id", Integer, ForeignKey("people.id"), index=True),
    Column("kind", String(32), nullable=False),
    Column("at", BigInteger),
    Column("channel", Text),
    Column("subject", Text),
    Column("body", Text),
    Column("ref", Text),
    Column("weight", Float, nullable=False),
    Column("key", LargeBinary(16), nullable=False, unique=True),
    *_provenance(),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(64), nullable=False),
    Column("post_key", Text, nullable=False),
    Column("author_id", Integer, ForeignKey("people.id"), index=True),
    Column("at", BigInteger),
    Column("text", Text),
    Column("channel", Text),
    Column("reply_to", Text),
    Column("repost_of", Text),
    Column("url", Text),
    Column("tags", Text),
    *_provenance(),
    UniqueConstraint("platform", "post_key"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("platform", String(64), nullable=False),
    Column("list", String(32), nullable=False),
    Column("taken_at", BigInteger, nullable=False),
    Column("count", Integer, nullable=False),
    *_provenance(),
    UniqueConstraint("owner_id", "platform", "list", "taken_at"),
)

places = Table(
    "places",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("key", Text, nullable=False, unique=True),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("country", String(2)),
    *_provenance(),
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text),
    Column("kind", String(32)),
    Column("start_at", BigInteger),
    Column("end_at", BigInteger),
    Column("place_id", Integer, ForeignKey("places.id")),
    Column("organizer_id", Integer, ForeignKey("people.id")),
    Column("key", LargeBinary(16), nullable=False, unique=True),
    *_provenance(),
    Column("calendar", Text, index=True),
    Column("event", Text),
    Column("modified", BigInteger),
    Column("history", Text),
)

meeting_attendees = Table(
    "meeting_attendees",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id"), primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id"), primary_key=True, index=True),
    Column("status", String(16)),
    *_provenance(),
)

merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kept_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
    Column("merged_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
    Column("reason", String(16), nullable=False),
    Column("score", Float),
    Column("evidence", Text, nullable=False),
    Column("moved", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("undone_at", BigInteger),
    Column("import_id", Integer, ForeignKey("imports.id")),
)

segments = Table(
    "segments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("rule", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

#: Facts about the store itself: ``identity`` is a UUID written when the store was created (or
#: migrated to schema 0005), so a store deleted and recreated at the same path is another store.
store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Confidentiality levels of intelligence, most private first.
LEVELS = ("private", "team", "public")
#: Buying roles a stakeholder can have in an account.
BUYING_ROLES = ("decision_maker", "champion", "evaluator", "procurement", "influencer", "blocker")
#: Fields of an account plan (``note`` is a free note, e.g. about a person).
NOTE_FIELDS = (
    "issues",
    "politics",
    "motivations",
    "decision_process",
    "criteria",
    "projects",
    "gaps",
    "note",
)

#: Organisations the user sells to or serves. ``organization_id`` links one to the imported
#: organisation of the same name (whose affiliations say who works there), when there is one.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("domain", Text),
    Column("organization_id", Integer, ForeignKey("organizations.id")),
    Column("level", String(16), nullable=False, default="private"),
    Column("created_at", BigInteger, nullable=False),
)

#: People at an account, with their buying role (one of :data:`BUYING_ROLES`, or none) and
#: whom they report to. Person ids are kept as written; readers map them to the person they
#: were merged into (:func:`salon.store.merges.canonical_map`), as for every other table.
stakeholders = Table(
    "stakeholders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("person_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
    Column("role", String(32)),
    Column("title", Text),
    Column("reports_to", Integer, ForeignKey("people.id")),
    Column("source", Text),
    Column("observed_at", BigInteger),
    Column("level", String(16), nullable=False, default="private"),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("account_id", "person_id"),
)

#: Intelligence: an account plan's entries (``field`` one of :data:`NOTE_FIELDS`) and private
#: notes about a person (``field`` "note", ``person_id`` set), each with its source, when it
#: was observed, its confidentiality level (:data:`LEVELS`) and after how many days it is stale
#: (null: never). ``key`` (a 16-byte digest) makes writes idempotent. Rows an importer writes
#: (a contact's vCard NOTE) carry provenance (``import_id``, ``file_id``, ``line``); rows the
#: user writes have none.
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), index=True),
    Column("person_id", Integer, ForeignKey("people.id"), index=True),
    Column("field", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("source", Text),
    Column("observed_at", BigInteger),
    Column("level", String(16), nullable=False, default="private"),
    Column("stale_after_days", Integer),
    Column("created_at", BigInteger, nullable=False),
    Column("key", LargeBinary(16), nullable=False, unique=True),
    Column("import_id", Integer, ForeignKey("imports.id"), index=True),
    Column("file_id", Integer, ForeignKey("files.id")),
    Column("line", Integer),
)

#: Objectives a goal can have (``salon goal add --objective``).
OBJECTIVES = ("reach", "speak", "sell", "hire", "learn")

#: Goals: what the user is trying to achieve with a segment (and a topic, accounts), over
#: ``horizon_months``, spending at most ``hours_per_week`` on it. ``segment`` is a stored
#: segment's name or a rule, as ``--segment`` takes; ``accounts`` a JSON list of account names.
goals = Table(
    "goals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("objective", String(16), nullable=False),
    Column("segment", Text, nullable=False),
    Column("topic", Text),
    Column("accounts", Text, nullable=False, default="[]"),
    Column("horizon_months", Integer, nullable=False, default=12),
    Column("hours_per_week", Float, nullable=False, default=4.0),
    Column("created_at", BigInteger, nullable=False),
)

#: Measurements of a goal's milestones (``salon progress``): one row per milestone and
#: measurement, with its value, the evidence (JSON: who, which kinds) and the store's latest
#: import when measured (``last_import``; no foreign key: an import taken back keeps history).
goal_progress = Table(
    "goal_progress",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("goal_id", Integer, ForeignKey("goals.id"), nullable=False, index=True),
    Column("measured_at", BigInteger, nullable=False),
    Column("milestone", String(64), nullable=False),
    Column("value", Float, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("last_import", Integer),
)

#: Tables that hold the user's data, in an order that satisfies foreign keys.
DATA_TABLES = (
    imports,
    files,
    people,
    identities,
    organizations,
    affiliations,
    ties,
    interactions,
    posts,
    snapshots,
    places,
    meetings,
    meeting_attendees,
    merges,
    segments,
    accounts,
    stakeholders,
    notes,
    goals,
    goal_progress,
)
