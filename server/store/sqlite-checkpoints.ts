import type Database from 'better-sqlite3';
import { CHECKPOINT_CHUNK_BYTES, type CheckpointBlobRef, type CheckpointStore, type StoredCheckpoint, type StoredCheckpointRow } from './checkpoints.ts';
import { bySeq, rechunk } from './checkpoint-rows.ts';

/** Stored checkpoints in SQLite (see `CheckpointStore`). */
export class SqliteCheckpoints implements CheckpointStore {
  private readonly db: Database.Database;
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.db = db;
    this.s = prepare(db);
  }

  async missingBlobs(hashes: readonly string[]): Promise<string[]> {
    return [...new Set(hashes)].filter((hash) => this.s.hasBlob.get(hash) === undefined);
  }

  async putBlob(blob: CheckpointBlobRef, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    if (this.s.hasBlob.get(blob.hash) !== undefined) return;
    let idx = 0;
    for await (const chunk of rechunk(chunks, CHECKPOINT_CHUNK_BYTES)) this.s.insertChunk.run(blob.hash, idx++, chunk);
    this.s.insertBlob.run(blob.hash, blob.size);
  }

  async putCheckpoint(conversationId: string, id: string, manifest: unknown, blobs: readonly string[]): Promise<boolean> {
    const json = JSON.stringify(manifest);
    return this.db.transaction(() => {
      const inserted = this.s.insertCheckpoint.run(conversationId, id, json, Buffer.byteLength(json)).changes === 1;
      if (!inserted) return false;
      for (const hash of new Set(blobs)) {
        if (this.s.hasBlob.get(hash) === undefined) throw new Error(`checkpoint ${id}: its blob ${hash.slice(0, 12)}… is not stored`);
        this.s.insertUse.run(conversationId, id, hash);
      }
      return inserted;
    })();
  }

  async hasCheckpoint(conversationId: string, id: string): Promise<boolean> {
    return this.s.hasCheckpoint.get(conversationId, id) !== undefined;
  }

  async checkpoint(conversationId: string, id: string): Promise<StoredCheckpoint | undefined> {
    const row = this.s.checkpoint.get(conversationId, id) as { manifest: string } | undefined;
    if (!row) return undefined;
    const blobs = this.s.blobsOf.all(conversationId, id) as Array<{ hash: string; size: number }>;
    return { manifest: JSON.parse(row.manifest), blobs: blobs.map((blob) => ({ hash: blob.hash, size: Number(blob.size) })) };
  }

  async *readBlob(hash: string): AsyncIterable<Uint8Array> {
    const count = (this.s.chunkCount.get(hash) as { n: number }).n;
    // One chunk at a time: a big blob is never held whole.
    for (let idx = 0; idx < count; idx++) {
      const row = this.s.chunk.get(hash, idx) as { bytes: Buffer } | undefined;
      if (!row) throw new Error(`stored checkpoint blob ${hash.slice(0, 12)}… lacks its piece ${idx}`);
      yield row.bytes;
    }
  }

  async list(conversationId: string): Promise<StoredCheckpointRow[]> {
    const rows = this.s.list.all(conversationId) as Array<{ id: string; bytes: number }>;
    return bySeq(rows.map((row) => ({ id: row.id, manifestBytes: Number(row.bytes) })));
  }

  async usage(conversationId: string): Promise<number> {
    return Number((this.s.usage.get({ conversationId }) as { n: number }).n);
  }

  async drop(conversationId: string, id: string): Promise<void> {
    this.db.transaction(() => {
      const hashes = (this.s.usesOf.all(conversationId, id) as Array<{ hash: string }>).map((row) => row.hash);
      this.s.deleteCheckpoint.run(conversationId, id);
      for (const hash of hashes) this.collect(hash);
    })();
  }

  /** Remove a blob no stored checkpoint uses (a deleted conversation's, a thinned one's). */
  collect(hash: string): void {
    if (this.s.used.get(hash) !== undefined) return;
    this.s.deleteBlob.run(hash);
    this.s.deleteChunks.run(hash);
  }

  /** The blobs a conversation's stored checkpoints use (to collect once it is deleted). */
  blobsOfConversation(conversationId: string): string[] {
    return (this.s.usesOfConversation.all(conversationId) as Array<{ hash: string }>).map((row) => row.hash);
  }

  /** Blobs and pieces no stored checkpoint uses (left by a deleted conversation or an interrupted copy). */
  collectAll(): void {
    this.db.transaction(() => {
      this.s.collectBlobs.run();
      this.s.collectChunks.run();
    })();
  }
}

function prepare(db: Database.Database) {
  return {
    hasBlob: db.prepare('SELECT 1 FROM checkpoint_blobs WHERE hash = ?'),
    insertChunk: db.prepare('INSERT INTO checkpoint_chunks (hash, idx, bytes) VALUES (?, ?, ?) ON CONFLICT (hash, idx) DO UPDATE SET bytes = excluded.bytes'),
    insertBlob: db.prepare('INSERT INTO checkpoint_blobs (hash, size) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING'),
    insertCheckpoint: db.prepare('INSERT INTO checkpoints (conversation_id, id, manifest, bytes) VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id, id) DO NOTHING'),
    insertUse: db.prepare('INSERT INTO checkpoint_uses (conversation_id, checkpoint_id, hash) VALUES (?, ?, ?)'),
    hasCheckpoint: db.prepare('SELECT 1 FROM checkpoints WHERE conversation_id = ? AND id = ?'),
    checkpoint: db.prepare('SELECT manifest FROM checkpoints WHERE conversation_id = ? AND id = ?'),
    blobsOf: db.prepare('SELECT b.hash, b.size FROM checkpoint_uses u JOIN checkpoint_blobs b ON b.hash = u.hash WHERE u.conversation_id = ? AND u.checkpoint_id = ? ORDER BY b.hash'),
    chunkCount: db.prepare('SELECT count(*) AS n FROM checkpoint_chunks WHERE hash = ?'),
    chunk: db.prepare('SELECT bytes FROM checkpoint_chunks WHERE hash = ? AND idx = ?'),
    list: db.prepare('SELECT id, bytes FROM checkpoints WHERE conversation_id = ?'),
    usage: db.prepare(
      `SELECT coalesce((SELECT sum(bytes) FROM checkpoints WHERE conversation_id = @conversationId), 0)
            + coalesce((SELECT sum(size) FROM checkpoint_blobs WHERE hash IN (SELECT hash FROM checkpoint_uses WHERE conversation_id = @conversationId)), 0) AS n`,
    ),
    usesOf: db.prepare('SELECT DISTINCT hash FROM checkpoint_uses WHERE conversation_id = ? AND checkpoint_id = ?'),
    usesOfConversation: db.prepare('SELECT DISTINCT hash FROM checkpoint_uses WHERE conversation_id = ?'),
    deleteCheckpoint: db.prepare('DELETE FROM checkpoints WHERE conversation_id = ? AND id = ?'),
    used: db.prepare('SELECT 1 FROM checkpoint_uses WHERE hash = ? LIMIT 1'),
    deleteBlob: db.prepare('DELETE FROM checkpoint_blobs WHERE hash = ?'),
    deleteChunks: db.prepare('DELETE FROM checkpoint_chunks WHERE hash = ?'),
    collectBlobs: db.prepare('DELETE FROM checkpoint_blobs WHERE NOT EXISTS (SELECT 1 FROM checkpoint_uses u WHERE u.hash = checkpoint_blobs.hash)'),
    collectChunks: db.prepare('DELETE FROM checkpoint_chunks WHERE NOT EXISTS (SELECT 1 FROM checkpoint_blobs b WHERE b.hash = checkpoint_chunks.hash)'),
  };
}
