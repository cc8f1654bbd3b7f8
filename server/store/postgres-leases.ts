import { inTransaction } from './postgres-transaction.ts';
import type pg from 'pg';
import { LeaseLostError, type ConversationLeases, type LeaseHolder, type LeaseTake, type StoredKernel } from './leases.ts';

/** A foreign key that points nowhere: the conversation is not in the store. */
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Conversation leases on PostgreSQL (see `ConversationLeases`). Expiry is the database's clock,
 * so servers whose clocks disagree still agree on who holds what.
 */
export class PostgresLeases implements ConversationLeases {
  readonly shared = true;
  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async take(conversationId: string, holder: LeaseHolder, ttlMs: number): Promise<LeaseTake> {
    try {
      // One statement: free, expired or (after a restart) already ours: taken, the fence bumped.
      const taken = await this.pool.query<{ fence: string }>(
        `INSERT INTO conversation_leases AS l (conversation_id, holder, holder_url, expires_at, fence)
         VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', 1)
         ON CONFLICT (conversation_id) DO UPDATE
           SET holder = excluded.holder, holder_url = excluded.holder_url, expires_at = excluded.expires_at, fence = l.fence + 1
           WHERE l.expires_at < now() OR l.holder = excluded.holder
         RETURNING fence`,
        [conversationId, holder.id, holder.url, ttlMs],
      );
      const row = taken.rows[0];
      if (row) return { held: true, fence: Number(row.fence) };
    } catch (error) {
      // No such conversation: nothing to hold, and loading it finds none.
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return { held: true, fence: 0 };
      throw error;
    }
    const current = await this.pool.query<{ holder: string; holder_url: string; expires_in_ms: string }>(
      `SELECT holder, holder_url, GREATEST(0, EXTRACT(EPOCH FROM (expires_at - now())) * 1000) AS expires_in_ms FROM conversation_leases WHERE conversation_id = $1`,
      [conversationId],
    );
    const other = current.rows[0];
    // Released between the two statements: try again.
    if (!other) return this.take(conversationId, holder, ttlMs);
    return { held: false, holder: { id: other.holder, url: other.holder_url }, expiresInMs: Math.ceil(Number(other.expires_in_ms)) };
  }

  async renew(holderId: string, held: ReadonlyMap<string, number>, ttlMs: number): Promise<string[]> {
    if (held.size === 0) return [];
    const ids = [...held.keys()];
    const renewed = await this.pool.query<{ conversation_id: string }>(
      `UPDATE conversation_leases l SET expires_at = now() + $2 * interval '1 millisecond'
       FROM unnest($3::text[], $4::bigint[]) AS h(id, fence)
       WHERE l.conversation_id = h.id AND l.fence = h.fence AND l.holder = $1
       RETURNING l.conversation_id`,
      [holderId, ttlMs, ids, ids.map((id) => held.get(id)!)],
    );
    const kept = new Set(renewed.rows.map((row) => row.conversation_id));
    return ids.filter((id) => !kept.has(id));
  }

  async release(conversationId: string, fence: number): Promise<void> {
    // The row stays (its fence keeps counting); expired, it is free to take.
    await this.pool.query(`UPDATE conversation_leases SET expires_at = now() - interval '1 second' WHERE conversation_id = $1 AND fence = $2`, [conversationId, fence]);
  }

  async kernel(conversationId: string): Promise<StoredKernel | undefined> {
    const row = (
      await this.pool.query<{ kernel_id: string; kernel_name: string; client_id: string; running_msg_id: string | null }>(
        'SELECT kernel_id, kernel_name, client_id, running_msg_id FROM conversation_kernels WHERE conversation_id = $1',
        [conversationId],
      )
    ).rows[0];
    return row ? { kernelId: row.kernel_id, kernelName: row.kernel_name, clientId: row.client_id, runningMsgId: row.running_msg_id } : undefined;
  }

  async recordKernel(conversationId: string, fence: number, kernel: StoredKernel | undefined): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      await checkFence(client, conversationId, fence);
      if (kernel) {
        await client.query(
          `INSERT INTO conversation_kernels (conversation_id, kernel_id, kernel_name, client_id, running_msg_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (conversation_id) DO UPDATE SET kernel_id = excluded.kernel_id, kernel_name = excluded.kernel_name, client_id = excluded.client_id, running_msg_id = excluded.running_msg_id`,
          [conversationId, kernel.kernelId, kernel.kernelName, kernel.clientId, kernel.runningMsgId],
        );
      } else {
        await client.query('DELETE FROM conversation_kernels WHERE conversation_id = $1', [conversationId]);
      }
    });
  }
}

/**
 * Inside a write's transaction: refuse it unless the lease still has the writer's fencing
 * number. `FOR SHARE` makes a take wait for the write to commit, so no write lands after a take.
 */
export async function checkFence(client: pg.PoolClient, conversationId: string, fence: number): Promise<void> {
  const row = (await client.query<{ fence: string }>('SELECT fence FROM conversation_leases WHERE conversation_id = $1 FOR SHARE', [conversationId])).rows[0];
  if (!row || Number(row.fence) !== fence) throw new LeaseLostError(conversationId, fence);
}
