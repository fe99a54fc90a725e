-- Moderation: a state on every case, reports from readers and a log of
-- what moderators (and the automatic quality checks) did.
--
-- Privacy promise 4 holds here too: a report records its reason and the
-- calendar date only — never who sent it, their address or a time of day.
-- Deleting a case leaves nothing of it behind: its reports go with it (ON
-- DELETE CASCADE) and its log entries keep the action but lose the case id
-- (ON DELETE SET NULL), so the log still counts what was done.

-- +goose Up
-- visible: counts in statistics and shows in the feed; flagged: held back
-- by a quality check until a moderator approves it; hidden: removed by a
-- moderator. moderation_reason is a reason code ('' when visible).
ALTER TABLE cases ADD COLUMN moderation TEXT NOT NULL DEFAULT 'visible'
    CHECK (moderation IN ('visible', 'flagged', 'hidden'));
ALTER TABLE cases ADD COLUMN moderation_reason TEXT NOT NULL DEFAULT '';

-- The moderation queue lists the few cases that are not visible.
CREATE INDEX cases_moderation ON cases (moderation) WHERE moderation <> 'visible';

CREATE TABLE reports (
    id      INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reason  TEXT NOT NULL,
    created TEXT NOT NULL
) STRICT;

CREATE INDEX reports_case ON reports (case_id);

CREATE TABLE moderation_log (
    id               INTEGER PRIMARY KEY,
    action           TEXT NOT NULL,
    reason           TEXT NOT NULL,
    case_id          TEXT REFERENCES cases (id) ON DELETE SET NULL,
    actor_account_id TEXT,
    created          TEXT NOT NULL
) STRICT;

CREATE INDEX moderation_log_case ON moderation_log (case_id) WHERE case_id IS NOT NULL;

-- The feed walks milestones in its exact order (date, then case id and
-- code, all descending) and stops after one page, so the index holds the
-- whole sort key; it replaces the index on the date alone.
CREATE INDEX milestones_feed ON milestones (date, case_id, code);
DROP INDEX milestones_date;

-- +goose Down
CREATE INDEX milestones_date ON milestones (date);
DROP INDEX milestones_feed;
DROP TABLE moderation_log;
DROP TABLE reports;
DROP INDEX cases_moderation;
ALTER TABLE cases DROP COLUMN moderation_reason;
ALTER TABLE cases DROP COLUMN moderation;
