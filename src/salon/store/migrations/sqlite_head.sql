-- salon schema 0009 (python -m salon.store.fresh: the migrations' schema)
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE imports (
	id INTEGER NOT NULL, 
	started_at BIGINT NOT NULL, 
	finished_at BIGINT, 
	salon_version VARCHAR(32) NOT NULL, 
	paths TEXT NOT NULL, 
	report TEXT, 
	CONSTRAINT pk_imports PRIMARY KEY (id)
);

CREATE TABLE files (
	id INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	name TEXT NOT NULL, 
	size BIGINT NOT NULL, 
	importer VARCHAR(32) NOT NULL, 
	import_id INTEGER NOT NULL, 
	CONSTRAINT pk_files PRIMARY KEY (id), 
	CONSTRAINT fk_files_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT uq_files_sha256 UNIQUE (sha256)
);

CREATE TABLE organizations (
	id INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	"key" TEXT NOT NULL, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_organizations PRIMARY KEY (id), 
	CONSTRAINT fk_organizations_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_organizations_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT uq_organizations_key UNIQUE ("key")
);

CREATE TABLE people (
	id INTEGER NOT NULL, 
	name TEXT, 
	headline TEXT, 
	location TEXT, 
	is_self BOOLEAN NOT NULL, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, merged_into INTEGER REFERENCES people (id), 
	CONSTRAINT pk_people PRIMARY KEY (id), 
	CONSTRAINT fk_people_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_people_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id)
);

CREATE TABLE places (
	id INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	"key" TEXT NOT NULL, 
	latitude FLOAT, 
	longitude FLOAT, 
	country VARCHAR(2), 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_places PRIMARY KEY (id), 
	CONSTRAINT fk_places_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_places_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT uq_places_key UNIQUE ("key")
);

CREATE TABLE affiliations (
	id INTEGER NOT NULL, 
	person_id INTEGER NOT NULL, 
	organization_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	title TEXT, 
	location TEXT, 
	start BIGINT, 
	"end" BIGINT, 
	"key" BLOB NOT NULL, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_affiliations PRIMARY KEY (id), 
	CONSTRAINT fk_affiliations_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_affiliations_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT fk_affiliations_organization_id_organizations FOREIGN KEY(organization_id) REFERENCES organizations (id), 
	CONSTRAINT fk_affiliations_person_id_people FOREIGN KEY(person_id) REFERENCES people (id), 
	CONSTRAINT uq_affiliations_key UNIQUE ("key")
);

CREATE INDEX ix_affiliations_person_id ON affiliations (person_id);

CREATE TABLE identities (
	id INTEGER NOT NULL, 
	person_id INTEGER NOT NULL, 
	platform VARCHAR(64) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	value TEXT NOT NULL, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_identities PRIMARY KEY (id), 
	CONSTRAINT fk_identities_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_identities_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT fk_identities_person_id_people FOREIGN KEY(person_id) REFERENCES people (id), 
	CONSTRAINT uq_identities_platform_kind_value UNIQUE (platform, kind, value)
);

CREATE INDEX ix_identities_person_id ON identities (person_id);

CREATE TABLE interactions (
	id INTEGER NOT NULL, 
	src_id INTEGER NOT NULL, 
	dst_id INTEGER, 
	kind VARCHAR(32) NOT NULL, 
	at BIGINT, 
	channel TEXT, 
	subject TEXT, 
	body TEXT, 
	ref TEXT, 
	weight FLOAT NOT NULL, 
	"key" BLOB NOT NULL, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_interactions PRIMARY KEY (id), 
	CONSTRAINT fk_interactions_dst_id_people FOREIGN KEY(dst_id) REFERENCES people (id), 
	CONSTRAINT fk_interactions_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_interactions_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT fk_interactions_src_id_people FOREIGN KEY(src_id) REFERENCES people (id), 
	CONSTRAINT uq_interactions_key UNIQUE ("key")
);

CREATE INDEX ix_interactions_dst_id ON interactions (dst_id);

CREATE INDEX ix_interactions_src_id ON interactions (src_id);

CREATE TABLE meetings (
	id INTEGER NOT NULL, 
	title TEXT, 
	kind VARCHAR(32), 
	start_at BIGINT, 
	end_at BIGINT, 
	place_id INTEGER, 
	organizer_id INTEGER, 
	"key" BLOB NOT NULL, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, calendar TEXT, event TEXT, modified BIGINT, history TEXT, 
	CONSTRAINT pk_meetings PRIMARY KEY (id), 
	CONSTRAINT fk_meetings_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_meetings_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT fk_meetings_organizer_id_people FOREIGN KEY(organizer_id) REFERENCES people (id), 
	CONSTRAINT fk_meetings_place_id_places FOREIGN KEY(place_id) REFERENCES places (id), 
	CONSTRAINT uq_meetings_key UNIQUE ("key")
);

CREATE TABLE posts (
	id INTEGER NOT NULL, 
	platform VARCHAR(64) NOT NULL, 
	post_key TEXT NOT NULL, 
	author_id INTEGER, 
	at BIGINT, 
	text TEXT, 
	channel TEXT, 
	reply_to TEXT, 
	repost_of TEXT, 
	url TEXT, 
	tags TEXT, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_posts PRIMARY KEY (id), 
	CONSTRAINT fk_posts_author_id_people FOREIGN KEY(author_id) REFERENCES people (id), 
	CONSTRAINT fk_posts_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_posts_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT uq_posts_platform_post_key UNIQUE (platform, post_key)
);

CREATE INDEX ix_posts_author_id ON posts (author_id);

CREATE TABLE snapshots (
	id INTEGER NOT NULL, 
	owner_id INTEGER NOT NULL, 
	platform VARCHAR(64) NOT NULL, 
	list VARCHAR(32) NOT NULL, 
	taken_at BIGINT NOT NULL, 
	count INTEGER NOT NULL, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_snapshots PRIMARY KEY (id), 
	CONSTRAINT fk_snapshots_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_snapshots_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT fk_snapshots_owner_id_people FOREIGN KEY(owner_id) REFERENCES people (id), 
	CONSTRAINT uq_snapshots_owner_id_platform_list_taken_at UNIQUE (owner_id, platform, list, taken_at)
);

CREATE TABLE ties (
	id INTEGER NOT NULL, 
	src_id INTEGER NOT NULL, 
	dst_id INTEGER NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	weight FLOAT NOT NULL, 
	since BIGINT, 
	first_seen BIGINT, 
	last_seen BIGINT, 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_ties PRIMARY KEY (id), 
	CONSTRAINT fk_ties_dst_id_people FOREIGN KEY(dst_id) REFERENCES people (id), 
	CONSTRAINT fk_ties_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_ties_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT fk_ties_src_id_people FOREIGN KEY(src_id) REFERENCES people (id), 
	CONSTRAINT uq_ties_src_id_dst_id_kind UNIQUE (src_id, dst_id, kind)
);

CREATE INDEX ix_ties_dst_id ON ties (dst_id);

CREATE INDEX ix_ties_src_id ON ties (src_id);

CREATE TABLE meeting_attendees (
	meeting_id INTEGER NOT NULL, 
	person_id INTEGER NOT NULL, 
	status VARCHAR(16), 
	import_id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	line INTEGER NOT NULL, 
	CONSTRAINT pk_meeting_attendees PRIMARY KEY (meeting_id, person_id), 
	CONSTRAINT fk_meeting_attendees_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT fk_meeting_attendees_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT fk_meeting_attendees_meeting_id_meetings FOREIGN KEY(meeting_id) REFERENCES meetings (id), 
	CONSTRAINT fk_meeting_attendees_person_id_people FOREIGN KEY(person_id) REFERENCES people (id)
);

CREATE INDEX ix_people_merged_into ON people (merged_into);

CREATE TABLE segments (
	id INTEGER NOT NULL, 
	name VARCHAR(128) NOT NULL, 
	rule TEXT NOT NULL, 
	created_at BIGINT NOT NULL, 
	CONSTRAINT pk_segments PRIMARY KEY (id), 
	CONSTRAINT uq_segments_name UNIQUE (name)
);

CREATE INDEX ix_meetings_calendar ON meetings (calendar);

CREATE TABLE store_meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	CONSTRAINT pk_store_meta PRIMARY KEY ("key")
);

CREATE TABLE "merges" (
	id INTEGER NOT NULL, 
	kept_id INTEGER NOT NULL, 
	merged_id INTEGER NOT NULL, 
	reason VARCHAR(16) NOT NULL, 
	score FLOAT, 
	evidence TEXT NOT NULL, 
	moved TEXT NOT NULL, 
	created_at BIGINT NOT NULL, 
	undone_at BIGINT, 
	import_id INTEGER, 
	CONSTRAINT pk_merges PRIMARY KEY (id), 
	CONSTRAINT fk_merges_kept_id_people FOREIGN KEY(kept_id) REFERENCES people (id), 
	CONSTRAINT fk_merges_merged_id_people FOREIGN KEY(merged_id) REFERENCES people (id), 
	CONSTRAINT fk_merges_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id)
);

CREATE TABLE accounts (
	id INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	domain TEXT, 
	organization_id INTEGER, 
	level VARCHAR(16) NOT NULL, 
	created_at BIGINT NOT NULL, 
	CONSTRAINT pk_accounts PRIMARY KEY (id), 
	CONSTRAINT fk_accounts_organization_id_organizations FOREIGN KEY(organization_id) REFERENCES organizations (id), 
	CONSTRAINT uq_accounts_name UNIQUE (name)
);

CREATE TABLE stakeholders (
	id INTEGER NOT NULL, 
	account_id INTEGER NOT NULL, 
	person_id INTEGER NOT NULL, 
	role VARCHAR(32), 
	title TEXT, 
	reports_to INTEGER, 
	source TEXT, 
	observed_at BIGINT, 
	level VARCHAR(16) NOT NULL, 
	created_at BIGINT NOT NULL, 
	CONSTRAINT pk_stakeholders PRIMARY KEY (id), 
	CONSTRAINT fk_stakeholders_account_id_accounts FOREIGN KEY(account_id) REFERENCES accounts (id), 
	CONSTRAINT fk_stakeholders_person_id_people FOREIGN KEY(person_id) REFERENCES people (id), 
	CONSTRAINT fk_stakeholders_reports_to_people FOREIGN KEY(reports_to) REFERENCES people (id), 
	CONSTRAINT uq_stakeholders_account_id_person_id UNIQUE (account_id, person_id)
);

CREATE INDEX ix_stakeholders_account_id ON stakeholders (account_id);

CREATE INDEX ix_stakeholders_person_id ON stakeholders (person_id);

CREATE TABLE notes (
	id INTEGER NOT NULL, 
	account_id INTEGER, 
	person_id INTEGER, 
	field VARCHAR(32) NOT NULL, 
	text TEXT NOT NULL, 
	source TEXT, 
	observed_at BIGINT, 
	level VARCHAR(16) NOT NULL, 
	stale_after_days INTEGER, 
	created_at BIGINT NOT NULL, 
	"key" BLOB NOT NULL, 
	import_id INTEGER, 
	file_id INTEGER, 
	line INTEGER, 
	CONSTRAINT pk_notes PRIMARY KEY (id), 
	CONSTRAINT fk_notes_account_id_accounts FOREIGN KEY(account_id) REFERENCES accounts (id), 
	CONSTRAINT fk_notes_person_id_people FOREIGN KEY(person_id) REFERENCES people (id), 
	CONSTRAINT fk_notes_import_id_imports FOREIGN KEY(import_id) REFERENCES imports (id), 
	CONSTRAINT fk_notes_file_id_files FOREIGN KEY(file_id) REFERENCES files (id), 
	CONSTRAINT uq_notes_key UNIQUE ("key")
);

CREATE INDEX ix_notes_account_id ON notes (account_id);

CREATE INDEX ix_notes_person_id ON notes (person_id);

CREATE INDEX ix_notes_import_id ON notes (import_id);

CREATE TABLE goals (
	id INTEGER NOT NULL, 
	name VARCHAR(128) NOT NULL, 
	objective VARCHAR(16) NOT NULL, 
	segment TEXT NOT NULL, 
	topic TEXT, 
	accounts TEXT NOT NULL, 
	horizon_months INTEGER NOT NULL, 
	hours_per_week FLOAT NOT NULL, 
	created_at BIGINT NOT NULL, 
	CONSTRAINT pk_goals PRIMARY KEY (id), 
	CONSTRAINT uq_goals_name UNIQUE (name)
);

CREATE TABLE goal_progress (
	id INTEGER NOT NULL, 
	goal_id INTEGER NOT NULL, 
	measured_at BIGINT NOT NULL, 
	milestone VARCHAR(64) NOT NULL, 
	value FLOAT NOT NULL, 
	evidence TEXT NOT NULL, 
	last_import INTEGER, 
	CONSTRAINT pk_goal_progress PRIMARY KEY (id), 
	CONSTRAINT fk_goal_progress_goal_id_goals FOREIGN KEY(goal_id) REFERENCES goals (id)
);

CREATE INDEX ix_goal_progress_goal_id ON goal_progress (goal_id);

CREATE INDEX ix_meeting_attendees_person_id ON meeting_attendees (person_id);

CREATE INDEX ix_merges_kept_id ON merges (kept_id);

CREATE INDEX ix_merges_merged_id ON merges (merged_id);

