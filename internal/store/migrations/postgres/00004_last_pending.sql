-- The last day a case was known to be still pending before its decision
-- was recorded (timeline.Case.LastPending), a DATE like "created"; NULL
-- when there is none: pending cases, cases shared already decided, and
-- when it is not known.
--
-- Until now that day was overwritten when the decision was added. The
-- one day an existing decided case is known to have been pending is the
-- day it was shared, if its decision came after it; a month-only
-- decision date counts as the 15th, as everywhere else.

-- +goose Up
ALTER TABLE cases ADD COLUMN last_pending DATE;

UPDATE cases SET last_pending = created
WHERE EXISTS (
    SELECT 1 FROM milestones m
    WHERE m.case_id = cases.id
      AND m.code IN ('approved', 'denied')
      AND (CASE WHEN length(m.date) = 7 THEN m.date || '-15' ELSE m.date END)::date > cases.created
);

-- +goose Down
ALTER TABLE cases DROP COLUMN last_pending;
