-- Alerts and "still pending?" reminders.
--
-- alerts: a group of cases an account follows by mail (a filter of
-- Explore or the feed, kept as its canonical query string), daily or
-- weekly. case_id is set for an alert on "people who filed the same month
-- as you": the group then follows that case's category, country and
-- filing month, and the alert goes with the case. next_day is the day
-- (days since 1970-01-01, UTC) the next digest is due; a scheduler claims
-- a due alert by moving next_day on in the transaction that queues its
-- mail. snapshot holds the numbers last mailed (JSON), never numbers of a
-- group below the minimum size. stopped is set by the one-click
-- unsubscribe link of a digest; the alert is kept, so that the choice is
-- remembered and shown, until the account deletes it.
--
-- reminders: when the next "still pending?" mail of an owned case is due.
-- reminders_off: the accounts that turned those mails off (through the
-- one-click unsubscribe link of one, or on their account page); the
-- choice stays for cases added later.
--
-- Days only, no times: an alert or a reminder cannot be joined to an
-- access log line.

-- +goose Up
CREATE TABLE alerts (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    case_id     TEXT REFERENCES cases (id) ON DELETE CASCADE,
    query       TEXT NOT NULL,
    every       TEXT NOT NULL CHECK (every IN ('daily', 'weekly')),
    next_day    INTEGER NOT NULL,
    created_day INTEGER NOT NULL,
    stopped     INTEGER NOT NULL DEFAULT 0 CHECK (stopped IN (0, 1)),
    snapshot    TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

CREATE INDEX alerts_due ON alerts (next_day) WHERE stopped = 0;
CREATE INDEX alerts_account ON alerts (account_id);
-- One alert per group (and per case) and account: saving again updates it.
CREATE UNIQUE INDEX alerts_group ON alerts (account_id, query) WHERE case_id IS NULL;
CREATE UNIQUE INDEX alerts_same_month ON alerts (account_id, case_id) WHERE case_id IS NOT NULL;
CREATE INDEX alerts_case ON alerts (case_id) WHERE case_id IS NOT NULL;

CREATE TABLE reminders (
    case_id    TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    next_day   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX reminders_due ON reminders (next_day);
CREATE INDEX reminders_account ON reminders (account_id);

CREATE TABLE reminders_off (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE reminders_off;
DROP TABLE reminders;
DROP TABLE alerts;
