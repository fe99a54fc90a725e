-- The case store. Privacy promise 4: no column here records a client
-- address, a user agent or a time of day; "created" is a calendar date.
-- Dates are ISO 8601 text so that they sort and compare as strings.
--
-- There are no CHECK constraints on the date formats (the store writes
-- them and checks them when it reads): a CHECK that calls a function makes
-- SQLite keep a statement journal for every multi-row INSERT, which made
-- seeding a million cases about half again slower.

-- +goose Up
CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    category       TEXT NOT NULL,
    country        TEXT NOT NULL,
    service_center TEXT,
    filed          TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    as_of          TEXT NOT NULL,
    created        TEXT NOT NULL,
    edit_key_hash  BLOB,
    owner_id       TEXT,
    -- The milestones of the case in a compact text form ("code:date;..."),
    -- kept in step with the milestones table by the store. Start-up reads
    -- every case, and one scan of this table is several times faster than
    -- also streaming the milestones table (see scan.go).
    milestone_list TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX cases_category_filed ON cases (category, filed);
CREATE INDEX cases_owner ON cases (owner_id) WHERE owner_id IS NOT NULL;

-- A rowid table, not WITHOUT ROWID: rows are appended in insertion order
-- and the date index holds (date, rowid) rather than the whole key, which
-- made seeding a million cases a third faster.
CREATE TABLE milestones (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    code    TEXT NOT NULL,
    date    TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT;

-- The feed lists milestones newest first (filters on code or on the case's
-- category are selective enough to apply while walking this index).
CREATE INDEX milestones_date ON milestones (date);

-- +goose Down
DROP TABLE milestones;
DROP TABLE cases;
