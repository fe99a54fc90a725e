-- Every submission asks whether an identical case is already stored (the
-- repeats_earlier column) and which identical cases were created in the
-- last days (store.SimilarRecent, the burst check). Identical means the
-- same milestones too, and with only category, filing month, country and
-- creation day in the index both read every case of that group, row by
-- row: at a million cases that took a third of a submission's time. With
-- the milestone list in the index they read only true copies, of which
-- there are usually none. The service center at the end lets the first
-- question be answered from the index alone.

-- +goose Up
DROP INDEX cases_identical;
CREATE INDEX cases_identical ON cases (category, filed, country, milestone_list, created, service_center);

-- +goose Down
DROP INDEX cases_identical;
CREATE INDEX cases_identical ON cases (category, filed, country, created);
