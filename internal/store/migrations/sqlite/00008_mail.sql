-- Mail: verified addresses, single-use links and an outbox.
--
-- accounts.verified: whether the address has been confirmed through the
-- link mailed at sign-up. Accounts made before mail existed, and accounts
-- made on a site without mail, count as verified (1); a sign-up on a site
-- that sends mail starts at 0 and cannot sign in until the link is used.
--
-- account_tokens: the links mailed to an account (verify the address,
-- reset the password, the one-click answers of a reminder). Only the
-- SHA-256 of a token is stored; the token is in the mail alone. Each is
-- used once and expires (unix seconds).
--
-- outbox: mail waiting to be sent, written in the same transaction as the
-- change that causes it and deleted once the SMTP server has taken it. It
-- names the account, never an address: the address is read from accounts
-- when the mail is sent, so that addresses stay in one table. claim and
-- claimed_until let several senders share the queue, each message going
-- to one of them; a sender that dies leaves its claim to expire.

-- +goose Up
ALTER TABLE accounts ADD COLUMN verified INTEGER NOT NULL DEFAULT 1 CHECK (verified IN (0, 1));

CREATE TABLE account_tokens (
    token_hash BLOB PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    -- What the token acts on besides the account (a case id), or ''.
    subject    TEXT NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);

CREATE TABLE outbox (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    text_body     TEXT NOT NULL,
    html_body     TEXT NOT NULL,
    -- The one-click unsubscribe address (List-Unsubscribe), or ''.
    unsubscribe   TEXT NOT NULL DEFAULT '',
    due_at        INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claim         TEXT NOT NULL DEFAULT '',
    claimed_until INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE INDEX outbox_due ON outbox (due_at);
CREATE INDEX outbox_account ON outbox (account_id);

-- +goose Down
DROP TABLE outbox;
DROP TABLE account_tokens;
ALTER TABLE accounts DROP COLUMN verified;
