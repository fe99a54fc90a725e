-- The case store. Privacy promise 4: no column here records a client
-- address, a user agent or a time of day; "created" is a DATE.
--
-- Ids, codes and ISO dates are ASCII and compare byte by byte, so their
-- columns use the "C" collation: it sorts dates correctly whatever the
-- database's locale, and makes index maintenance markedly cheaper when a
-- million cases are seeded.

-- +goose Up
CREATE TABLE cases (
    id             TEXT COLLATE "C" PRIMARY KEY,
    category       TEXT COLLATE "C" NOT NULL,
    country        TEXT COLLATE "C" NOT NULL,
    service_center TEXT COLLATE "C",
    filed          TEXT COLLATE "C" NOT NULL CHECK (filed ~ '^[0-9]{4}-[0-9]{2}$'),
    note           TEXT NOT NULL DEFAULT '',
    as_of          DATE NOT NULL,
    created        DATE NOT NULL,
    edit_key_hash  BYTEA,
    owner_id       TEXT COLLATE "C",
    -- The milestones of the case in a compact text form ("code:date;..."),
    -- kept in step with the milestones table by the store. Start-up reads
    -- every case, and one scan of this table is several times faster than
    -- also streaming the milestones table (see scan.go).
    milestone_list TEXT NOT NULL DEFAULT ''
);

CREATE INDEX cases_category_filed ON cases (category, filed);
CREATE INDEX cases_owner ON cases (owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE milestones (
    case_id TEXT COLLATE "C" NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    code    TEXT COLLATE "C" NOT NULL,
    date    TEXT COLLATE "C" NOT NULL CHECK (length(date) IN (7, 10)),
    PRIMARY KEY (case_id, seq)
);

-- The feed lists milestones newest first (filters on code or on the case's
-- category are selective enough to apply while walking this index).
CREATE INDEX milestones_date ON milestones (date);

-- +goose Down
DROP TABLE milestones;
DROP TABLE cases;
