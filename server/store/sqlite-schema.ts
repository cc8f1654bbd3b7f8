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
  `
  -- 2: kernel checkpoints (issue 19). Each code cell's checkpoint id as a column (what the store
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
];
