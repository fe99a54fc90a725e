-- The language an account's later mail is written in (alert digests and
-- "still pending?" reminders, composed long after anyone asked): the
-- language of the page where the person last asked for mail (signed up,
-- saved an alert, turned reminders on or off). A BCP 47 code of the
-- site's registry; '' (accounts from before) reads as English.

-- +goose Up
ALTER TABLE accounts ADD COLUMN mail_lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE accounts DROP COLUMN mail_lang;
