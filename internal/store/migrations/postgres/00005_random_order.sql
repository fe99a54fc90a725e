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
-- (reorganize.go) rewrites recent rows in key order in one transaction.
-- reorganized remembers up to which transaction it has done so; NULL
-- until its first run, which rewrites every row.

-- +goose Up
ALTER TABLE reports ALTER COLUMN id DROP IDENTITY;
ALTER TABLE reports ALTER COLUMN id TYPE TEXT COLLATE "C" USING replace(gen_random_uuid()::text, '-', '');
ALTER TABLE moderation_log ALTER COLUMN id DROP IDENTITY;
ALTER TABLE moderation_log ALTER COLUMN id TYPE TEXT COLLATE "C" USING replace(gen_random_uuid()::text, '-', '');

CREATE TABLE reorganized (
    -- The transaction of the last reorganisation (pg_current_xact_id).
    xid BIGINT
);
INSERT INTO reorganized (xid) VALUES (NULL);

-- +goose Down
DROP TABLE reorganized;
ALTER TABLE moderation_log DROP COLUMN id;
ALTER TABLE moderation_log ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE reports DROP COLUMN id;
ALTER TABLE reports ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
