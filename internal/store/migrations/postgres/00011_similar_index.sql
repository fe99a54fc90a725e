-- The burst check (store.SimilarRecent) looks, at every submission, for
-- identical cases created in the last days. With only (category, filed)
-- to go by it read every case of the category and filing month, about
-- half of a submission's cost at a few hundred thousand cases; with the
-- country and the creation day in the index it reads the few candidates.

-- +goose Up
CREATE INDEX cases_identical ON cases (category, filed, country, created);

-- +goose Down
DROP INDEX cases_identical;
