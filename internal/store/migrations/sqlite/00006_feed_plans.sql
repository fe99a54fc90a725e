-- Indexes that bound the work of every feed request, whatever its filters
-- (see feed.go). A rare place (a country or a service center with few
-- cases) is found through its own index instead of by walking every
-- milestone, and a milestone filter walks the milestones of that step
-- only, newest first.
--
-- The category and filing month after the place let one index range hold
-- exactly the cases of "this country (and category, and month)", so that
-- the size of the range is what the feed pays for it. The columns after
-- them make the indexes covering: the feed reads a rare place's cases from
-- the index alone, without a lookup in the table per case (at 1,000,000
-- cases that took a country of 1,500 cases from tens of milliseconds to a
-- few). Each index is about as large as two thirds of the table.

-- +goose Up
CREATE INDEX cases_country_feed ON cases (country, category, filed, service_center, moderation, id, milestone_list);
CREATE INDEX cases_center_feed ON cases (service_center, category, filed, country, moderation, id, milestone_list);
CREATE INDEX milestones_code_feed ON milestones (code, date, case_id);

-- +goose Down
DROP INDEX milestones_code_feed;
DROP INDEX cases_center_feed;
DROP INDEX cases_country_feed;
