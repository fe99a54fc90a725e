-- Whether the case, when it was submitted, was identical to a case
-- already stored (same category, country, service center, filing month
-- and milestones with their dates). The rule for bursts of copies flags
-- only such cases, never the one they copy: the store keeps neither the
-- time of day nor the order of submissions, so "which came first" must be
-- recorded when it is known. Cases stored before this column existed, and
-- seeded ones, count as originals.

-- +goose Up
ALTER TABLE cases ADD COLUMN repeats_earlier INTEGER NOT NULL DEFAULT 0 CHECK (repeats_earlier IN (0, 1));

-- +goose Down
ALTER TABLE cases DROP COLUMN repeats_earlier;
