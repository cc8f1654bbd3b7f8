/**
 * The PostgreSQL schema: the same versions, with the same meaning, as sqlite-schema.ts. Search
 * is a `tsvector` (the `simple` configuration: no stemming, code and names stay as written) with
 * a GIN index.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    kernel TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    seq BIGINT NOT NULL,
    owner_id TEXT
  );
  CREATE INDEX conversations_recent ON conversations (updated_at DESC, id DESC);
  CREATE INDEX conversations_owner ON conversations (owner_id, updated_at DESC, id DESC);

  CREATE TABLE cells (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (conversation_id, id)
  );
  CREATE INDEX cells_order ON cells (conversation_id, position);

  CREATE TABLE outputs (
    conversation_id TEXT NOT NULL,
    cell_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (conversation_id, cell_id, idx),
    FOREIGN KEY (conversation_id, cell_id) REFERENCES cells (conversation_id, id) ON DELETE CASCADE
  );

  CREATE TABLE blobs (hash TEXT PRIMARY KEY, bytes BYTEA NOT NULL);
  CREATE TABLE output_blobs (
    conversation_id TEXT NOT NULL,
    cell_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    FOREIGN KEY (conversation_id, cell_id) REFERENCES cells (conversation_id, id) ON DELETE CASCADE
  );
  CREATE INDEX output_blobs_cell ON output_blobs (conversation_id, cell_id);
  CREATE INDEX output_blobs_hash ON output_blobs (hash);

  CREATE TABLE search_docs (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    cell_id TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Words are letters and digits, as in SQLite's unicode61 tokenizer: read_csv is read + csv.
    doc TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'))) STORED,
    PRIMARY KEY (conversation_id, cell_id)
  );
  CREATE INDEX search_docs_doc ON search_docs USING GIN (doc);
  `,
  // 2: accounts (issue 17): users, server-side sessions, one-time sign-in links, API tokens,
  // shares, a read-only link per conversation, the audit log. Secrets are stored as hashes only.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash TEXT,
    oidc_issuer TEXT,
    oidc_subject TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT,
    UNIQUE (oidc_issuer, oidc_subject)
  );

  CREATE TABLE sessions (
    key TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    last_seen_at_ms BIGINT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions (user_id, last_seen_at_ms);

  CREATE TABLE sign_in_links (
    key TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at_ms BIGINT NOT NULL
  );

  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
  );
  CREATE INDEX api_tokens_user ON api_tokens (user_id);

  CREATE TABLE shares (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
  );
  CREATE INDEX shares_user ON shares (user_id);

  ALTER TABLE conversations ADD COLUMN share_link_hash TEXT;
  CREATE UNIQUE INDEX conversations_share_link ON conversations (share_link_hash) WHERE share_link_hash IS NOT NULL;

  CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
  );
  `,
  `
  -- 3: kernel checkpoints (issue 19). Each code cell's checkpoint id as a column (what the store
  -- keeps copies for); checkpoints copied out of remote or hibernating kernels: a manifest per
  -- checkpoint, and its blobs by content, in chunks (one blob can be bigger than a row may be).
  ALTER TABLE cells ADD COLUMN checkpoint_id TEXT;
  CREATE TABLE checkpoints (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    manifest TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, id)
  );
  CREATE TABLE checkpoint_blobs (hash TEXT PRIMARY KEY, size BIGINT NOT NULL);
  CREATE TABLE checkpoint_chunks (hash TEXT NOT NULL, idx INTEGER NOT NULL, bytes BYTEA NOT NULL, PRIMARY KEY (hash, idx));
  CREATE TABLE checkpoint_uses (
    conversation_id TEXT NOT NULL,
    checkpoint_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    FOREIGN KEY (conversation_id, checkpoint_id) REFERENCES checkpoints (conversation_id, id) ON DELETE CASCADE
  );
  CREATE INDEX checkpoint_uses_hash ON checkpoint_uses (hash);
  CREATE INDEX checkpoint_uses_checkpoint ON checkpoint_uses (conversation_id, checkpoint_id);
  `,
  `
  -- 4: OpenID Connect sign-in (issue 17). A user's link to an identity at a provider is
  -- (oidc_issuer, oidc_subject), unique since 2; whether the provider vouched for the email
  -- (its email_verified claim) is kept with it: only a verified email passes a domain rule.
  ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT FALSE;
  `,
  `
  -- 5: many servers (issue 18). Who holds each conversation's live state: a lease taken only when
  -- free or expired (the database's clock decides), the fencing number bumped on every take and
  -- checked by every write of the conversation. The kernel it used on the shared Jupyter server,
  -- with the session id Jupyter buffers messages for, so the next holder reattaches to it.
  CREATE TABLE conversation_leases (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    holder TEXT NOT NULL,
    holder_url TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    fence BIGINT NOT NULL
  );
  CREATE INDEX conversation_leases_holder ON conversation_leases (holder);
  CREATE TABLE conversation_kernels (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    kernel_id TEXT NOT NULL,
    kernel_name TEXT NOT NULL,
    client_id TEXT NOT NULL,
    running_msg_id TEXT
  );
  `,
];
