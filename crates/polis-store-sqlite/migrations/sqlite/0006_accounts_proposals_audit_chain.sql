-- The team server: users with a role, API tokens (only the SHA-256 of each secret is kept),
-- proposals waiting for review, and the audit log's hash chain. Every rule about them is in
-- the service layer; these tables only keep rows.

-- The SHA-256 chain over the audit log: each entry's hash covers the previous entry's hash
-- and its own fields (polis_store::chain). Entries written before this column existed are
-- chained when the database is opened.
ALTER TABLE audit_log ADD COLUMN hash TEXT;

CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires TEXT,
    revoked_at TEXT
) STRICT;

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    comment TEXT NOT NULL,
    change TEXT NOT NULL,
    diff TEXT NOT NULL,
    status TEXT NOT NULL,
    reviewer TEXT,
    review_comment TEXT,
    reviewed_at TEXT
) STRICT;
CREATE INDEX proposals_status ON proposals(status, id);
