/**
 * The SQLite schema, one migration per version, applied in order at start. Add a migration for
 * a change; never edit one that shipped. The PostgreSQL schema (postgres-schema.ts) has the same
 * versions with the same meaning.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: conversations as rows; cells and outputs as rows of their own; big payloads by content.
  `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    kernel TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    seq INTEGER NOT NULL,
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

  CREATE TABLE blobs (hash TEXT PRIMARY KEY, bytes BLOB NOT NULL);
  CREATE TABLE output_blobs (
    conversation_id TEXT NOT NULL,
    cell_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    FOREIGN KEY (conversation_id, cell_id) REFERENCES cells (conversation_id, id) ON DELETE CASCADE
  );
  CREATE INDEX output_blobs_cell ON output_blobs (conversation_id, cell_id);
  CREATE INDEX output_blobs_hash ON output_blobs (hash);

  CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    cell_id TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (conversation_id, cell_id)
  );
  CREATE VIRTUAL TABLE search_fts USING fts5 (conversation_id, body, content = 'search_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
  CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, conversation_id, body) VALUES (new.id, new.conversation_id, new.body);
  END;
  CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, conversation_id, body) VALUES ('delete', old.id, old.conversation_id, old.body);
  END;
  CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, conversation_id, body) VALUES ('delete', old.id, old.conversation_id, old.body);
    INSERT INTO search_fts (rowid, conversation_id, body) VALUES (new.id, new.conversation_id, new.body);
  END;
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
    disabled INTEGER NOT NULL DEFAULT 0,
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
    created_at_ms INTEGER NOT NULL,
    last_seen_at_ms INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions (user_id, last_seen_at_ms);

  CREATE TABLE sign_in_links (
    key TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at_ms INTEGER NOT NULL
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  CREATE TABLE checkpoint_chunks (hash TEXT NOT NULL, idx INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (hash, idx));
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
  ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- 5: many servers (issue 18) is PostgreSQL's alone (conversation_leases, conversation_kernels):
  -- a SQLite file has one server, which always holds its conversations. The version is kept so
  -- that both engines count the same.
  SELECT 1;
  `,
];
