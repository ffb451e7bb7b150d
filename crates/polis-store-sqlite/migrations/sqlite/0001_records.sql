-- Every record kind has a table keyed by its stable id, a few indexed columns for lookups,
-- and `data`, the record's full JSON form (its bundle form), so that export gives back
-- exactly what was imported.

CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE places (
    id TEXT PRIMARY KEY,
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT,
    parent TEXT,
    data TEXT NOT NULL
) STRICT;
CREATE INDEX places_country ON places(country);

-- Every name of every place, folded, for lookups by any name in any script.
CREATE TABLE place_names (
    place_id TEXT NOT NULL REFERENCES places(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (key, place_id, name)
) STRICT, WITHOUT ROWID;
CREATE INDEX place_names_place ON place_names(place_id);

-- Ids of places merged into another keep working.
CREATE TABLE place_redirects (
    old_id TEXT PRIMARY KEY,
    place_id TEXT NOT NULL REFERENCES places(id) ON DELETE CASCADE
) STRICT;

CREATE TABLE ties (
    id TEXT PRIMARY KEY,
    a TEXT NOT NULL REFERENCES places(id),
    b TEXT NOT NULL REFERENCES places(id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    CHECK (a < b)
) STRICT;
CREATE INDEX ties_a ON ties(a);
CREATE INDEX ties_b ON ties(b);

CREATE TABLE networks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE memberships (
    key TEXT PRIMARY KEY,
    network TEXT NOT NULL REFERENCES networks(id),
    member TEXT NOT NULL,
    data TEXT NOT NULL
) STRICT;
CREATE INDEX memberships_member ON memberships(member);

CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE relations (
    key TEXT PRIMARY KEY,
    from_id TEXT NOT NULL REFERENCES actors(id),
    to_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
) STRICT;
CREATE INDEX relations_from ON relations(from_id);
CREATE INDEX relations_to ON relations(to_id);

CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE figures (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
) STRICT;

-- Full-text search over places, actors, networks and document articles. `key` holds the
-- folded text with a space around every CJK character (see polis_core::text).
CREATE VIRTUAL TABLE search USING fts5(
    kind UNINDEXED,
    id UNINDEXED,
    label UNINDEXED,
    key,
    tokenize = "unicode61 remove_diacritics 2"
);

-- Every change: who, when, what before and after, and in what context (an import, an edit).
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    context TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    before TEXT,
    after TEXT
) STRICT;
CREATE INDEX audit_log_record ON audit_log(record_kind, record_id);

-- Every import run, with its report, whether or not it changed anything.
CREATE TABLE import_runs (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    format TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    report TEXT NOT NULL
) STRICT;
