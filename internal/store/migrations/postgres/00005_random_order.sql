-- Stored order must not follow submission order: whoever holds the
-- database files and a request log (ours, or a load balancer's, which has
-- addresses) could otherwise line up the n-th row of a day with the n-th
-- submission of that day.
--
-- Reports and log entries lose their sequential integer ids for random
-- text ones ("r_..." and "l_..." from the store; existing rows get 32 hex
-- digits here). Every other primary key is random already.
--
-- A heap table still appends new rows, and every row carries the id of
-- the transaction that wrote it (xmin), so the periodic reorganisation
-- (reorganize.go) rewrites recent rows in key order in one transaction;
-- reorganized remembers up to which transaction it has done so.
--
-- The rows stored so far are in submission order. This migration
-- rewrites all of them once, like the reorganisation but with TRUNCATE:
-- every table gets a new, empty file, the rows go in again in key order,
-- all with this migration's transaction id, and the old files, with the
-- old order and ids, are removed at commit instead of lingering as dead
-- rows until VACUUM. (TRUNCATE locks out readers too, until the
-- migration commits.)

-- +goose Up
ALTER TABLE reports ALTER COLUMN id DROP IDENTITY;
ALTER TABLE reports ALTER COLUMN id TYPE TEXT COLLATE "C" USING replace(gen_random_uuid()::text, '-', '');
ALTER TABLE moderation_log ALTER COLUMN id DROP IDENTITY;
ALTER TABLE moderation_log ALTER COLUMN id TYPE TEXT COLLATE "C" USING replace(gen_random_uuid()::text, '-', '');

CREATE TEMP TABLE reorg_cases AS SELECT * FROM cases;
CREATE TEMP TABLE reorg_accounts AS SELECT * FROM accounts;
CREATE TEMP TABLE reorg_milestones AS SELECT * FROM milestones;
CREATE TEMP TABLE reorg_reports AS SELECT * FROM reports;
CREATE TEMP TABLE reorg_moderation_log AS SELECT * FROM moderation_log;
CREATE TEMP TABLE reorg_sessions AS SELECT * FROM sessions;
TRUNCATE cases, accounts, milestones, reports, moderation_log, sessions;
INSERT INTO cases SELECT * FROM reorg_cases ORDER BY id;
INSERT INTO accounts SELECT * FROM reorg_accounts ORDER BY id;
INSERT INTO milestones SELECT * FROM reorg_milestones ORDER BY case_id, seq;
INSERT INTO reports SELECT * FROM reorg_reports ORDER BY id;
INSERT INTO moderation_log SELECT * FROM reorg_moderation_log ORDER BY id;
INSERT INTO sessions SELECT * FROM reorg_sessions ORDER BY token_hash;
DROP TABLE reorg_cases, reorg_accounts, reorg_milestones, reorg_reports, reorg_moderation_log, reorg_sessions;

CREATE TABLE reorganized (
    -- The transaction of the last reorganisation (pg_current_xact_id);
    -- NULL would make the next one rewrite every row.
    xid BIGINT
);
INSERT INTO reorganized (xid) VALUES (pg_current_xact_id()::text::bigint);

-- +goose Down
DROP TABLE reorganized;
ALTER TABLE moderation_log DROP COLUMN id;
ALTER TABLE moderation_log ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE reports DROP COLUMN id;
ALTER TABLE reports ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
