-- Names an import could not resolve, waiting for a person. One row per name and country
-- field; the batch and line say where it was last seen.
CREATE TABLE unresolved_names (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT,
    batch TEXT NOT NULL,
    line INTEGER NOT NULL,
    best_guess TEXT
) STRICT;
CREATE INDEX unresolved_names_batch ON unresolved_names(batch);

-- What a person decided a name means, remembered on every later import.
CREATE TABLE name_decisions (
    key TEXT PRIMARY KEY,
    place_id TEXT,
    geonames INTEGER,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    CHECK ((place_id IS NULL) <> (geonames IS NULL))
) STRICT;
