import { inTransaction } from './postgres-transaction.ts';
import type pg from 'pg';
import { CHECKPOINT_CHUNK_BYTES, type CheckpointBlobRef, type CheckpointStore, type StoredCheckpoint, type StoredCheckpointRow } from './checkpoints.ts';
import { bySeq, rechunk } from './checkpoint-rows.ts';

/** Stored checkpoints in PostgreSQL (see `CheckpointStore`). */
export class PostgresCheckpoints implements CheckpointStore {
  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async missingBlobs(hashes: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(hashes)];
    if (!wanted.length) return [];
    const found = await this.pool.query<{ hash: string }>('SELECT hash FROM checkpoint_blobs WHERE hash = ANY($1)', [wanted]);
    const have = new Set(found.rows.map((row) => row.hash));
    return wanted.filter((hash) => !have.has(hash));
  }

  async putBlob(blob: CheckpointBlobRef, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    if ((await this.missingBlobs([blob.hash])).length === 0) return;
    let idx = 0;
    // Piece by piece, outside a transaction (the pieces arrive from a kernel, maybe slowly):
    // the blob row, written last, is what makes the blob exist.
    for await (const chunk of rechunk(chunks, CHECKPOINT_CHUNK_BYTES)) {
      await this.pool.query('INSERT INTO checkpoint_chunks (hash, idx, bytes) VALUES ($1, $2, $3) ON CONFLICT (hash, idx) DO UPDATE SET bytes = excluded.bytes', [blob.hash, idx++, chunk]);
    }
    await this.pool.query('INSERT INTO checkpoint_blobs (hash, size) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING', [blob.hash, blob.size]);
  }

  async putCheckpoint(conversationId: string, id: string, manifest: unknown, blobs: readonly string[]): Promise<boolean> {
    const json = JSON.stringify(manifest);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query('INSERT INTO checkpoints (conversation_id, id, manifest, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (conversation_id, id) DO NOTHING', [
        conversationId,
        id,
        json,
        Buffer.byteLength(json),
      ]);
      if (inserted.rowCount === 1) {
        const wanted = [...new Set(blobs)];
        const present = await client.query('SELECT 1 FROM checkpoint_blobs WHERE hash = ANY($1) FOR SHARE', [wanted]);
        if (present.rowCount !== wanted.length) throw new Error(`checkpoint ${id}: ${wanted.length - (present.rowCount ?? 0)} of its blobs are not stored`);
        await client.query('INSERT INTO checkpoint_uses (conversation_id, checkpoint_id, hash) SELECT $1, $2, unnest($3::text[])', [conversationId, id, wanted]);
      }
      await client.query('COMMIT');
      return inserted.rowCount === 1;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async hasCheckpoint(conversationId: string, id: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM checkpoints WHERE conversation_id = $1 AND id = $2', [conversationId, id])).rowCount === 1;
  }

  async checkpoint(conversationId: string, id: string): Promise<StoredCheckpoint | undefined> {
    const row = (await this.pool.query<{ manifest: string }>('SELECT manifest FROM checkpoints WHERE conversation_id = $1 AND id = $2', [conversationId, id])).rows[0];
    if (!row) return undefined;
    const blobs = await this.pool.query<{ hash: string; size: string }>(
      'SELECT b.hash, b.size FROM checkpoint_uses u JOIN checkpoint_blobs b ON b.hash = u.hash WHERE u.conversation_id = $1 AND u.checkpoint_id = $2 ORDER BY b.hash',
      [conversationId, id],
    );
    return { manifest: JSON.parse(row.manifest), blobs: blobs.rows.map((blob) => ({ hash: blob.hash, size: Number(blob.size) })) };
  }

  async *readBlob(hash: string): AsyncIterable<Uint8Array> {
    const count = Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM checkpoint_chunks WHERE hash = $1', [hash])).rows[0]!.n);
    for (let idx = 0; idx < count; idx++) {
      const row = (await this.pool.query<{ bytes: Buffer }>('SELECT bytes FROM checkpoint_chunks WHERE hash = $1 AND idx = $2', [hash, idx])).rows[0];
      if (!row) throw new Error(`stored checkpoint blob ${hash.slice(0, 12)}… lacks its piece ${idx}`);
      yield row.bytes;
    }
  }

  async list(conversationId: string): Promise<StoredCheckpointRow[]> {
    const rows = await this.pool.query<{ id: string; bytes: string }>('SELECT id, bytes FROM checkpoints WHERE conversation_id = $1', [conversationId]);
    return bySeq(rows.rows.map((row) => ({ id: row.id, manifestBytes: Number(row.bytes) })));
  }

  async usage(conversationId: string): Promise<number> {
    const row = await this.pool.query<{ n: string }>(
      `SELECT coalesce((SELECT sum(bytes) FROM checkpoints WHERE conversation_id = $1), 0)
            + coalesce((SELECT sum(size) FROM checkpoint_blobs WHERE hash IN (SELECT hash FROM checkpoint_uses WHERE conversation_id = $1)), 0) AS n`,
      [conversationId],
    );
    return Number(row.rows[0]!.n);
  }

  drop(conversationId: string, id: string): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      const used = await client.query<{ hash: string }>('DELETE FROM checkpoint_uses WHERE conversation_id = $1 AND checkpoint_id = $2 RETURNING hash', [conversationId, id]);
      await client.query('DELETE FROM checkpoints WHERE conversation_id = $1 AND id = $2', [conversationId, id]);
      await collect(client, used.rows.map((row) => row.hash));
    });
  }
}

/** Remove those of `hashes` no stored checkpoint uses any more, with their pieces. */
export async function collect(client: pg.PoolClient | pg.Pool, hashes: readonly string[]): Promise<void> {
  if (!hashes.length) return;
  const gone = await client.query<{ hash: string }>(
    'DELETE FROM checkpoint_blobs b WHERE b.hash = ANY($1) AND NOT EXISTS (SELECT 1 FROM checkpoint_uses u WHERE u.hash = b.hash) RETURNING hash',
    [[...new Set(hashes)]],
  );
  if (gone.rowCount) await client.query('DELETE FROM checkpoint_chunks WHERE hash = ANY($1)', [gone.rows.map((row) => row.hash)]);
}

/** Blobs and pieces no stored checkpoint uses (left by a deleted conversation or an interrupted copy). */
export async function collectAll(pool: pg.Pool): Promise<void> {
  // Pieces without a blob row may be a copy under way on another server: left alone.
  const gone = await pool.query<{ hash: string }>('DELETE FROM checkpoint_blobs b WHERE NOT EXISTS (SELECT 1 FROM checkpoint_uses u WHERE u.hash = b.hash) RETURNING hash');
  if (gone.rowCount) await pool.query('DELETE FROM checkpoint_chunks WHERE hash = ANY($1)', [gone.rows.map((row) => row.hash)]);
}
