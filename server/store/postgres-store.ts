import pg from 'pg';
import { inTransaction } from './postgres-transaction.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import { PostgresAccounts } from './postgres-accounts.ts';
import { checkFence, PostgresLeases } from './postgres-leases.ts';
import { collect, collectAll, PostgresCheckpoints } from './postgres-checkpoints.ts';
import { POSTGRES_MIGRATIONS } from './postgres-schema.ts';
import { assembleConversation, cellBody, cellCheckpointId, outputRows, toConversationRow } from './rows.ts';
import { searchBody, searchTerms, tsQuery } from './search-text.ts';
import { toOwnerStorage, usageSql, type OwnerStorage } from './storage-usage.ts';
import {
  SchemaTooNewError,
  type ConversationChanges,
  type ConversationStore,
  type ListPage,
  type ListQuery,
  type StoredConversation,
} from './store.ts';

export interface PostgresOptions {
  /** `postgres://…` or `postgresql://…` (DATABASE_URL). */
  url: string;
  /** Connections at most (default 10). */
  poolSize?: number;
}

type Client = pg.PoolClient;

/** Past this many matching texts a word counts as common (see `listConversations`). */
const COMMON_HITS = 5000;

/**
 * The engine for many servers: PostgreSQL through `pg` with a connection pool. Every change is
 * one transaction. Migrations run under an advisory lock, so servers starting together apply
 * each one once.
 */
export class PostgresStore implements ConversationStore {
  readonly engine = 'postgres';
  readonly accounts: PostgresAccounts;
  readonly leases: PostgresLeases;
  readonly checkpoints: PostgresCheckpoints;
  private readonly pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
    this.accounts = new PostgresAccounts(pool);
    this.leases = new PostgresLeases(pool);
    this.checkpoints = new PostgresCheckpoints(pool);
  }

  static async open(options: PostgresOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      // A server stopped or hung inside a transaction (writes hold the lease row FOR SHARE) would
      // block the next holder's take forever: PostgreSQL ends such a transaction after 15 s.
      idle_in_transaction_session_timeout: 15_000,
    });
    // An idle connection the server dropped must not take the process down.
    pool.on('error', () => undefined);
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool);
  }

  /** Run `work` in one transaction on one connection. */
  private transaction<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }


  async createConversation(c: StoredConversation): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(
        'INSERT INTO conversations (id, title, kernel, created_at, updated_at, seq, owner_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [c.id, c.title, c.kernel, c.createdAt, c.updatedAt, c.seq, c.ownerId],
      );
      await writeSearch(client, c.id, '', c.title);
      for (const [position, cell] of c.cells.entries()) await writeCell(client, c.id, cell, position, true, true);
    });
  }

  async loadConversation(id: string): Promise<StoredConversation | undefined> {
    const client = await this.pool.connect();
    try {
      // One snapshot for the row, its cells and its outputs.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const row = (await client.query('SELECT id, title, kernel, created_at, updated_at, seq, owner_id FROM conversations WHERE id = $1', [id])).rows[0];
      if (!row) return undefined;
      const cells = (await client.query<{ id: string; body: string }>('SELECT id, body FROM cells WHERE conversation_id = $1 ORDER BY position', [id])).rows;
      const outputs = (await client.query<{ cell_id: string; body: string }>('SELECT cell_id, body FROM outputs WHERE conversation_id = $1 ORDER BY cell_id, idx', [id])).rows;
      const blobRows = (
        await client.query<{ hash: string; bytes: Buffer }>(
          'SELECT DISTINCT b.hash, b.bytes FROM output_blobs o JOIN blobs b ON b.hash = o.hash WHERE o.conversation_id = $1',
          [id],
        )
      ).rows;
      const blobs = new Map(blobRows.map((blob) => [blob.hash, blob.bytes]));
      return assembleConversation(toConversationRow(row), cells, outputs, (hash) => blobs.get(hash));
    } finally {
      await client.query('COMMIT').catch(() => undefined);
      client.release();
    }
  }

  async conversationExists(id: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM conversations WHERE id = $1', [id])).rowCount === 1;
  }

  async listConversations(query: ListQuery): Promise<ListPage> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const terms = query.q ? searchTerms(query.q) : [];
    const params: unknown[] = [query.limit + 1, after?.updatedAt ?? null, after?.id ?? null, query.visibleTo ?? null];
    let search = '';
    if (terms.length) {
      // A rare word: the conversations it is in (from the GIN index), then the newest of those,
      // given as a list of ids. Asked as `c.id IN (SELECT … WHERE doc @@ …)`, the planner cannot
      // tell how rare a prefix is (it guesses ~3 % of the texts) and walks the newest
      // conversations testing every text of each: 3.3 s at 50,000. A word in many: the newest
      // conversations, each asked whether it holds it, until the page is full.
      const hits = await this.pool.query<{ conversation_id: string }>(`SELECT conversation_id FROM search_docs WHERE doc @@ to_tsquery('simple', $1) LIMIT ${COMMON_HITS}`, [
        tsQuery(terms),
      ]);
      if (hits.rows.length < COMMON_HITS) {
        params.push([...new Set(hits.rows.map((hit) => hit.conversation_id))]);
        search = ' AND c.id = ANY($5::text[])';
      } else {
        params.push(tsQuery(terms));
        search = ` AND EXISTS (SELECT 1 FROM search_docs s WHERE s.conversation_id = c.id AND s.doc @@ to_tsquery('simple', $5))`;
      }
    }
    const sql = pageQuery(search, query.visibleTo !== undefined);
    const rows = (await this.pool.query(sql, params)).rows.map(toConversationRow);
    const page = rows.slice(0, query.limit);
    const items: ListPage['items'] = page;
    if (terms.length && page.length) {
      const hits = await this.pool.query<{ conversation_id: string; cell_id: string; text: string }>(
        `SELECT DISTINCT ON (conversation_id) conversation_id, cell_id,
                ts_headline('simple', body, to_tsquery('simple', $1), 'StartSel="", StopSel="", MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=" … "') AS text
         FROM search_docs WHERE conversation_id = ANY($2) AND doc @@ to_tsquery('simple', $1)
         ORDER BY conversation_id, (cell_id = '') DESC, cell_id`,
        [tsQuery(terms), page.map((row) => row.id)],
      );
      const matches = new Map(hits.rows.map((hit) => [hit.conversation_id, { text: hit.text, cellId: hit.cell_id }]));
      for (const item of items) {
        const match = matches.get(item.id);
        if (match) item.match = match;
      }
    }
    const last = page.at(-1);
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  async applyChanges(id: string, changes: ConversationChanges): Promise<void> {
    await this.transaction(async (client) => {
      if (changes.fence !== undefined) await checkFence(client, id, changes.fence);
      const updated = await client.query('UPDATE conversations SET title = $2, updated_at = $3, seq = $4 WHERE id = $1', [id, changes.title, changes.updatedAt, changes.seq]);
      if (updated.rowCount === 0) throw new Error(`conversation ${id} is not in the store`);
      if (changes.titleChanged) await writeSearch(client, id, '', changes.title);
      for (const cellId of changes.removed) {
        await client.query('DELETE FROM cells WHERE conversation_id = $1 AND id = $2', [id, cellId]);
        await client.query('DELETE FROM search_docs WHERE conversation_id = $1 AND cell_id = $2', [id, cellId]);
      }
      for (const write of changes.cells) await writeCell(client, id, write.cell, write.position, write.outputsChanged, false);
    });
  }

  async deleteConversation(id: string): Promise<void> {
    await this.transaction(async (client) => {
      const used = await client.query<{ hash: string }>('SELECT DISTINCT hash FROM checkpoint_uses WHERE conversation_id = $1', [id]);
      await client.query('DELETE FROM conversations WHERE id = $1', [id]);
      await collect(client, used.rows.map((row) => row.hash));
    });
  }

  async collectGarbage(): Promise<void> {
    await this.pool.query('DELETE FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM output_blobs o WHERE o.hash = b.hash)');
    await collectAll(this.pool);
  }

  async storageByOwner(ownerId?: string): Promise<OwnerStorage[]> {
    const bytesOf = (column: string) => `octet_length(${column})`;
    const result = ownerId === undefined ? await this.pool.query(usageSql(bytesOf, undefined)) : await this.pool.query(usageSql(bytesOf, '$1'), [ownerId]);
    return result.rows.map(toOwnerStorage);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const COLUMNS = 'c.id, c.title, c.kernel, c.created_at, c.updated_at, c.seq, c.owner_id';
const NEWEST = 'ORDER BY c.updated_at DESC, c.id DESC LIMIT $1';
const AFTER_CURSOR = '($2::text IS NULL OR c.updated_at < $2 OR (c.updated_at = $2 AND c.id < $3))';

/**
 * A page of conversations newest first (`$1` rows after the cursor `$2`, `$3`) that pass `filter`
 * (`AND …`). With a user (`$4`), those they own and those shared with them: each from its own
 * index, merged. As one `owner_id = $4 OR EXISTS (a share)`, no index serves both, and the
 * newest conversations of everyone are walked until the page is full (70 ms at 22,000 for a
 * user owning ten old ones, against 0.2 ms).
 */
function pageQuery(filter: string, visibleTo: boolean): string {
  const where = `${AFTER_CURSOR}${filter}`;
  if (!visibleTo) return `SELECT ${COLUMNS} FROM conversations c WHERE $4::text IS NULL AND ${where} ${NEWEST}`;
  return `SELECT * FROM (
      (SELECT ${COLUMNS} FROM conversations c WHERE c.owner_id = $4 AND ${where} ${NEWEST})
      UNION
      (SELECT ${COLUMNS} FROM shares sh JOIN conversations c ON c.id = sh.conversation_id WHERE sh.user_id = $4 AND ${where} ${NEWEST})
    ) c ${NEWEST}`;
}

async function writeSearch(client: Client, id: string, cellId: string, body: string): Promise<void> {
  await client.query(
    `INSERT INTO search_docs (conversation_id, cell_id, body) VALUES ($1, $2, $3)
     ON CONFLICT (conversation_id, cell_id) DO UPDATE SET body = excluded.body WHERE search_docs.body <> excluded.body`,
    [id, cellId, body],
  );
}

async function writeCell(client: Client, id: string, cell: StoredConversation['cells'][number], position: number, outputsChanged: boolean, fresh: boolean): Promise<void> {
  await client.query(
    `INSERT INTO cells (conversation_id, id, position, body, checkpoint_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (conversation_id, id) DO UPDATE SET position = excluded.position, body = excluded.body, checkpoint_id = excluded.checkpoint_id`,
    [id, cell.id, position, cellBody(cell), cellCheckpointId(cell)],
  );
  if (outputsChanged) {
    if (!fresh) {
      await client.query('DELETE FROM outputs WHERE conversation_id = $1 AND cell_id = $2', [id, cell.id]);
      await client.query('DELETE FROM output_blobs WHERE conversation_id = $1 AND cell_id = $2', [id, cell.id]);
    }
    const rows = outputRows(cell);
    if (rows.length) {
      await client.query(
        'INSERT INTO outputs (conversation_id, cell_id, idx, body) SELECT $1, $2, * FROM unnest($3::int[], $4::text[])',
        [id, cell.id, rows.map((row) => row.idx), rows.map((row) => row.body)],
      );
    }
    for (const blob of rows.flatMap((row) => row.blobs)) {
      await client.query('INSERT INTO blobs (hash, bytes) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING', [blob.hash, blob.bytes]);
      await client.query('INSERT INTO output_blobs (conversation_id, cell_id, hash) VALUES ($1, $2, $3)', [id, cell.id, blob.hash]);
    }
  }
  const body = searchBody(cell);
  if (body) await writeSearch(client, id, cell.id, body);
  else await client.query("DELETE FROM search_docs WHERE conversation_id = $1 AND cell_id = $2 AND cell_id <> ''", [id, cell.id]);
}

/** Apply the migrations this database lacks, once, however many servers start at the same time. */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('talkbook schema'))");
    await client.query('CREATE TABLE IF NOT EXISTS talkbook_schema (version INTEGER NOT NULL)');
    const current = Number((await client.query('SELECT version FROM talkbook_schema')).rows[0]?.version ?? 0);
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new SchemaTooNewError(
        `The database (DATABASE_URL) has schema version ${current}, written by a newer Talkbook; this one knows up to version ${POSTGRES_MIGRATIONS.length}. ` +
          'Run the newer Talkbook, or restore a dump made for this version (docs/deploy.md, "Backups").',
      );
    }
    for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(POSTGRES_MIGRATIONS[version - 1]!);
        if (version === 1 && current === 0) await client.query('INSERT INTO talkbook_schema (version) VALUES (1)');
        else await client.query('UPDATE talkbook_schema SET version = $1', [version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('talkbook schema'))").catch(() => undefined);
    client.release();
  }
}
