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
];
