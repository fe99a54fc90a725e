-- Stored order must not follow submission order: whoever holds the
-- database file and a request log (ours, or a load balancer's, which has
-- addresses) could otherwise line up the n-th row of a day with the n-th
-- submission of that day.
--
-- Every table is rebuilt WITHOUT ROWID, so that its rows live in the
-- B-tree of its primary key, and every primary key is random: case,
-- account and report ids, log entry ids, session token hashes (milestones
-- are keyed by their case). A rowid table appends each new row after the
-- last one; these place it among rows of random age. What SQLite still
-- leaves in order within a page, and in the write-ahead log, the periodic
-- reorganisation clears (reorganize.go).
--
-- Reports and log entries lose their sequential integer ids for random
-- text ones ("r_..." and "l_..." from the store; existing rows get 32 hex
-- digits here).
--
-- The old tables are renamed first: that points every foreign key at the
-- renamed parent, so that dropping the old tables cascades into nothing
-- new (foreign keys stay on inside a migration's transaction).

-- +goose Up
DROP INDEX cases_category_filed;
DROP INDEX cases_owner;
DROP INDEX cases_moderation;
DROP INDEX milestones_feed;
DROP INDEX reports_case;
DROP INDEX moderation_log_case;
DROP INDEX sessions_account;

ALTER TABLE sessions RENAME TO sessions_old;
ALTER TABLE moderation_log RENAME TO moderation_log_old;
ALTER TABLE reports RENAME TO reports_old;
ALTER TABLE milestones RENAME TO milestones_old;
ALTER TABLE accounts RENAME TO accounts_old;
ALTER TABLE cases RENAME TO cases_old;

CREATE TABLE cases (
    id                TEXT PRIMARY KEY,
    category          TEXT NOT NULL,
    country           TEXT NOT NULL,
    service_center    TEXT,
    filed             TEXT NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    as_of             TEXT NOT NULL,
    created           TEXT NOT NULL,
    edit_key_hash     BLOB,
    owner_id          TEXT,
    milestone_list    TEXT NOT NULL DEFAULT '',
    moderation        TEXT NOT NULL DEFAULT 'visible'
        CHECK (moderation IN ('visible', 'flagged', 'hidden')),
    moderation_reason TEXT NOT NULL DEFAULT '',
    last_pending      TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE milestones (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    code    TEXT NOT NULL,
    date    TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE reports (
    id      TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reason  TEXT NOT NULL,
    created TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE moderation_log (
    id               TEXT PRIMARY KEY,
    action           TEXT NOT NULL,
    reason           TEXT NOT NULL,
    case_id          TEXT REFERENCES cases (id) ON DELETE SET NULL,
    actor_account_id TEXT,
    created          TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    oidc_issuer   TEXT,
    oidc_subject  TEXT,
    UNIQUE (oidc_issuer, oidc_subject)
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    started_day INTEGER NOT NULL,
    used_day    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Copied in key order: each B-tree is then written from left to right.
INSERT INTO cases (id, category, country, service_center, filed, note, as_of, created, edit_key_hash, owner_id,
                   milestone_list, moderation, moderation_reason, last_pending)
SELECT id, category, country, service_center, filed, note, as_of, created, edit_key_hash, owner_id,
       milestone_list, moderation, moderation_reason, last_pending
FROM cases_old ORDER BY id;
INSERT INTO milestones (case_id, seq, code, date)
SELECT case_id, seq, code, date FROM milestones_old ORDER BY case_id, seq;
INSERT INTO reports (id, case_id, reason, created)
SELECT lower(hex(randomblob(16))), case_id, reason, created FROM reports_old;
INSERT INTO moderation_log (id, action, reason, case_id, actor_account_id, created)
SELECT lower(hex(randomblob(16))), action, reason, case_id, actor_account_id, created FROM moderation_log_old;
INSERT INTO accounts (id, email, email_key, name, role, password_hash, oidc_issuer, oidc_subject)
SELECT id, email, email_key, name, role, password_hash, oidc_issuer, oidc_subject FROM accounts_old ORDER BY id;
INSERT INTO sessions (token_hash, account_id, started_day, used_day)
SELECT token_hash, account_id, started_day, used_day FROM sessions_old ORDER BY token_hash;

-- Children before parents, so that no drop cascades.
DROP TABLE sessions_old;
DROP TABLE moderation_log_old;
DROP TABLE reports_old;
DROP TABLE milestones_old;
DROP TABLE accounts_old;
DROP TABLE cases_old;

CREATE INDEX cases_category_filed ON cases (category, filed);
CREATE INDEX cases_owner ON cases (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX cases_moderation ON cases (moderation) WHERE moderation <> 'visible';
CREATE INDEX milestones_feed ON milestones (date, case_id, code);
CREATE INDEX reports_case ON reports (case_id);
CREATE INDEX moderation_log_case ON moderation_log (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX sessions_account ON sessions (account_id);

-- +goose Down
DROP INDEX cases_category_filed;
DROP INDEX cases_owner;
DROP INDEX cases_moderation;
DROP INDEX milestones_feed;
DROP INDEX reports_case;
DROP INDEX moderation_log_case;
DROP INDEX sessions_account;

ALTER TABLE sessions RENAME TO sessions_old;
ALTER TABLE moderation_log RENAME TO moderation_log_old;
ALTER TABLE reports RENAME TO reports_old;
ALTER TABLE milestones RENAME TO milestones_old;
ALTER TABLE accounts RENAME TO accounts_old;
ALTER TABLE cases RENAME TO cases_old;

CREATE TABLE cases (
    id                TEXT PRIMARY KEY,
    category          TEXT NOT NULL,
    country           TEXT NOT NULL,
    service_center    TEXT,
    filed             TEXT NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    as_of             TEXT NOT NULL,
    created           TEXT NOT NULL,
    edit_key_hash     BLOB,
    owner_id          TEXT,
    milestone_list    TEXT NOT NULL DEFAULT '',
    moderation        TEXT NOT NULL DEFAULT 'visible'
        CHECK (moderation IN ('visible', 'flagged', 'hidden')),
    moderation_reason TEXT NOT NULL DEFAULT '',
    last_pending      TEXT
) STRICT;

CREATE TABLE milestones (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    code    TEXT NOT NULL,
    date    TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT;

CREATE TABLE reports (
    id      INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reason  TEXT NOT NULL,
    created TEXT NOT NULL
) STRICT;

CREATE TABLE moderation_log (
    id               INTEGER PRIMARY KEY,
    action           TEXT NOT NULL,
    reason           TEXT NOT NULL,
    case_id          TEXT REFERENCES cases (id) ON DELETE SET NULL,
    actor_account_id TEXT,
    created          TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    oidc_issuer   TEXT,
    oidc_subject  TEXT,
    UNIQUE (oidc_issuer, oidc_subject)
) STRICT;

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    started_day INTEGER NOT NULL,
    used_day    INTEGER NOT NULL
) STRICT;

INSERT INTO cases SELECT * FROM cases_old;
INSERT INTO milestones SELECT * FROM milestones_old;
INSERT INTO reports (case_id, reason, created) SELECT case_id, reason, created FROM reports_old ORDER BY created, id;
INSERT INTO moderation_log (action, reason, case_id, actor_account_id, created)
SELECT action, reason, case_id, actor_account_id, created FROM moderation_log_old ORDER BY created, id;
INSERT INTO accounts SELECT * FROM accounts_old;
INSERT INTO sessions SELECT * FROM sessions_old;

DROP TABLE sessions_old;
DROP TABLE moderation_log_old;
DROP TABLE reports_old;
DROP TABLE milestones_old;
DROP TABLE accounts_old;
DROP TABLE cases_old;

CREATE INDEX cases_category_filed ON cases (category, filed);
CREATE INDEX cases_owner ON cases (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX cases_moderation ON cases (moderation) WHERE moderation <> 'visible';
CREATE INDEX milestones_feed ON milestones (date, case_id, code);
CREATE INDEX reports_case ON reports (case_id);
CREATE INDEX moderation_log_case ON moderation_log (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX sessions_account ON sessions (account_id);
