-- What each audit entry records: created, updated, removed, merged, unmerged, decided.
-- Entries written before this column existed are read as created (no before) or updated.
ALTER TABLE audit_log ADD COLUMN action TEXT;

-- Merges in effect, with every record each one changed (before and after, as JSON), so
-- that an unmerge can restore exactly the state before it. An unmerge deletes its row.
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    old_id TEXT NOT NULL,
    into_id TEXT NOT NULL,
    log TEXT NOT NULL
) STRICT;
CREATE INDEX merges_old ON merges(kind, old_id);
