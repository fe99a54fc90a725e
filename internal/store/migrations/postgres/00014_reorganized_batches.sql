-- The reorganisation (reorganize_postgres.go) rewrites recent rows in
-- batches, each its own short transaction, instead of all of them in one
-- transaction under a long lock. Its batches commit after transactions of
-- other writers that it leaves to the next run, so the one bound in xid no
-- longer says which rows are done: done lists the later transactions
-- whose rows need no rewriting (the batches of the last run), so that the
-- next run neither rewrites them again nor misses what was written beside
-- them.

-- +goose Up
ALTER TABLE reorganized ADD COLUMN done BIGINT[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE reorganized DROP COLUMN done;
