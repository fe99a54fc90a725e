-- Indexes that bound the work of every feed request, whatever its filters
-- (see feed.go). A rare place (a country or a service center with few
-- cases) is found through its own index instead of by walking every
-- milestone, and a milestone filter walks the milestones of that step
-- only, newest first.
--
-- The trailing category and filing month let one index range hold
-- exactly the cases of "this country (and category, and month)", so that
-- the size of the range is what the feed pays for it.

-- +goose Up
CREATE INDEX cases_country_feed ON cases (country, category, filed);
CREATE INDEX cases_center_feed ON cases (service_center, category, filed);
CREATE INDEX milestones_code_feed ON milestones (code, date, case_id);

-- +goose Down
DROP INDEX milestones_code_feed;
DROP INDEX cases_center_feed;
DROP INDEX cases_country_feed;
