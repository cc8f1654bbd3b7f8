import { join } from 'node:path';
import { PostgresStore } from './postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { ConversationStore } from './store.ts';

export type { ConversationStore, StoredConversation, ConversationChanges, ListQuery, ListPage } from './store.ts';
export type { OwnerStorage } from './storage-usage.ts';
export { SEQ_BLOCK, SchemaTooNewError } from './store.ts';
export { describeStorageFailure } from './storage-failure.ts';
export type { AccountStore, ApiTokenRow, AuditEntry, ConversationAccessRow, NewUser, Role, SessionRow, ShareRole, ShareRow, UserChanges, UserRow } from './accounts.ts';
export { UsernameTakenError } from './accounts.ts';
export type { CheckpointBlobRef, CheckpointStore, StoredCheckpoint, StoredCheckpointRow } from './checkpoints.ts';
export { importJsonConversations } from './json-import.ts';
export { SqliteStore } from './sqlite-store.ts';
export { PostgresStore } from './postgres-store.ts';

/** The SQLite file of a data folder. */
export const sqliteFile = (dataDir: string) => join(dataDir, 'talkbook.db');

/** The store the configuration asks for: PostgreSQL with `DATABASE_URL`, else SQLite in the data folder. */
export async function openStore(options: { dataDir: string; databaseUrl?: string | undefined }): Promise<ConversationStore> {
  if (options.databaseUrl) return PostgresStore.open({ url: options.databaseUrl });
  return SqliteStore.open(sqliteFile(options.dataDir), { claim: true });
}
export { PostgresChannel, CHANNEL_APPLICATION_NAME, type PostgresChannelOptions } from './postgres-channel.ts';
