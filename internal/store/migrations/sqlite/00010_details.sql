-- The optional details that split a category's waits (timeline.Details):
-- premium processing ('regular', 'premium' or 'upgraded', with the day of
-- the upgrade counted from filing), filing method ('online' or 'paper'),
-- the field office that decides the case, and for an adjustment of status
-- the priority date (YYYY-MM, month only like the filing date), the
-- chargeability country and the applicant's answer to "was the priority
-- date current when you filed" ('yes', 'no' or 'unknown'). NULL when not
-- given. The store checks the values when it writes and reads them, as
-- for the other columns (see 00001_cases.sql on CHECK constraints).

-- +goose Up
ALTER TABLE cases ADD COLUMN premium TEXT;
ALTER TABLE cases ADD COLUMN premium_day INTEGER;
ALTER TABLE cases ADD COLUMN filing_method TEXT;
ALTER TABLE cases ADD COLUMN interview_office TEXT;
ALTER TABLE cases ADD COLUMN priority_date TEXT;
ALTER TABLE cases ADD COLUMN chargeability TEXT;
ALTER TABLE cases ADD COLUMN pd_current TEXT;

-- +goose Down
ALTER TABLE cases DROP COLUMN pd_current;
ALTER TABLE cases DROP COLUMN chargeability;
ALTER TABLE cases DROP COLUMN priority_date;
ALTER TABLE cases DROP COLUMN interview_office;
ALTER TABLE cases DROP COLUMN filing_method;
ALTER TABLE cases DROP COLUMN premium_day;
ALTER TABLE cases DROP COLUMN premium;
