-- Accounts and their server-side sessions (privacy promise 3: an account
-- holds an email address and an optional name, nothing else a person
-- would call personal data; the password hash and the OpenID Connect
-- issuer and subject are what signing in needs).
--
-- Sessions keep calendar days, not times: the day a session began and the
-- day it was last used are enough for idle and absolute expiry, and a day
-- cannot be joined to an access log line.

-- +goose Up
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    -- The lowercased email: addresses are compared without regard to case.
    email_key     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    oidc_issuer   TEXT,
    oidc_subject  TEXT,
    UNIQUE (oidc_issuer, oidc_subject)
) STRICT;

CREATE TABLE sessions (
    -- SHA-256 of the session token; the token itself is only in the cookie.
    token_hash  BLOB PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- Days since 1970-01-01 (UTC).
    started_day INTEGER NOT NULL,
    used_day    INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_account ON sessions (account_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE accounts;
