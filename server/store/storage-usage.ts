import { z } from 'zod';

/**
 * What the store holds for one owner's conversations (the admin page, TALKBOOK_STORAGE_QUOTA_MB):
 * the cells' and outputs' stored JSON, the large output payloads they refer to (a payload counts
 * once per conversation that refers to it), and the checkpoints copied into the store. Workspace
 * files live in Jupyter's folders (possibly on another host) and are not counted.
 */
export interface OwnerStorage {
  ownerId: string | null;
  conversations: number;
  bytes: number;
}

const usageRow = z.object({ owner_id: z.string().nullable(), conversations: z.coerce.number(), bytes: z.coerce.number() });

export function toOwnerStorage(row: unknown): OwnerStorage {
  const r = usageRow.parse(row);
  return { ownerId: r.owner_id, conversations: r.conversations, bytes: r.bytes };
}

/** The per-owner sum; `bytesOf(column)` is the engine's byte length of a column, `ownerParam` its placeholder (or none: every owner). */
export function usageSql(bytesOf: (column: string) => string, ownerParam: string | undefined): string {
  return `SELECT c.owner_id AS owner_id, count(*) AS conversations, COALESCE(SUM(
      (SELECT COALESCE(SUM(${bytesOf('body')}), 0) FROM cells WHERE conversation_id = c.id)
    + (SELECT COALESCE(SUM(${bytesOf('body')}), 0) FROM outputs WHERE conversation_id = c.id)
    + (SELECT COALESCE(SUM(${bytesOf('b.bytes')}), 0) FROM (SELECT DISTINCT hash FROM output_blobs WHERE conversation_id = c.id) o JOIN blobs b ON b.hash = o.hash)
    + (SELECT COALESCE(SUM(bytes), 0) FROM checkpoints WHERE conversation_id = c.id)
  ), 0) AS bytes
  FROM conversations c ${ownerParam ? `WHERE c.owner_id = ${ownerParam}` : ''} GROUP BY c.owner_id`;
}
