import { PublicError } from '../errors.ts';
import type { Cell } from '../protocol/index.ts';
import type { OwnerStorage } from './storage-usage.ts';
import type { AccountStore } from './accounts.ts';
import type { ConversationLeases } from './leases.ts';
import type { CheckpointStore } from './checkpoints.ts';

/** A conversation's own row: what a listing shows without reading its cells. */
export interface ConversationRow {
  id: string;
  title: string;
  kernel: string;
  createdAt: string;
  updatedAt: string;
  /**
   * No frame above this `seq` was ever sent: the conversation's frames continue from here after
   * a restart, so a tab's resume point never goes back (see `SEQ_BLOCK`).
   */
  seq: number;
  /** The signed-in user who owns it (accounts); null for conversations from before accounts. */
  ownerId: string | null;
}

/** A whole conversation as stored: its row and its cells in order, outputs included. */
export interface StoredConversation extends ConversationRow {
  cells: Cell[];
}

/** One cell to write: where it sits, and whether its outputs changed too (they are rows of their own). */
export interface CellWrite {
  cell: Cell;
  position: number;
  outputsChanged: boolean;
}

/**
 * What changed in a conversation since it was last written: written in one transaction, and
 * only what changed (a cell, one cell's outputs) — the cost of a change does not grow with the
 * conversation.
 */
export interface ConversationChanges {
  title: string;
  titleChanged: boolean;
  updatedAt: string;
  seq: number;
  cells: CellWrite[];
  removed: string[];
  /** The fencing number of the writer's lease (see leases.ts): the write is refused once another server took it. */
  fence?: number;
}

export interface ListQuery {
  /** 1 to 200. */
  limit: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string | undefined;
  /** Full-text search over titles, questions, answers, code and text outputs. */
  q?: string | undefined;
  /** Only conversations this user owns or has a share in (accounts); undefined: every conversation. */
  visibleTo?: string | undefined;
}

export interface ListedConversation extends ConversationRow {
  /** With `q`: a short piece of the matching text, and the cell it is in (empty for the title). */
  match?: { text: string; cellId: string };
}

export interface ListPage {
  items: ListedConversation[];
  nextCursor: string | null;
}

/**
 * The conversation store: one interface, two engines (SQLite embedded, PostgreSQL for many
 * servers), the same tests run against both. Only server/store/ imports a database driver.
 */

export interface ConversationStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Users, sessions, tokens, shares and the audit log, in the same database. */
  readonly accounts: AccountStore;
  /** Which server holds each conversation (PostgreSQL; always this one for SQLite). */
  readonly leases: ConversationLeases;
  /** Kernel checkpoints copied out of remote or hibernating kernels (issue 19), in the same database. */
  readonly checkpoints: CheckpointStore;
  /** Store a new conversation with its first cells (an import), in one transaction. */
  createConversation(conversation: StoredConversation): Promise<void>;
  loadConversation(id: string): Promise<StoredConversation | undefined>;
  conversationExists(id: string): Promise<boolean>;
  listConversations(query: ListQuery): Promise<ListPage>;
  applyChanges(id: string, changes: ConversationChanges): Promise<void>;
  deleteConversation(id: string): Promise<void>;
  /** Remove stored payloads no output refers to any more, and checkpoint blobs no stored checkpoint uses. */
  collectGarbage(): Promise<void>;
  /** What the store holds per owner (storage-usage.ts says what counts); with `ownerId`, that owner's only. */
  storageByOwner(ownerId?: string): Promise<OwnerStorage[]>;
  close(): Promise<void>;
}

/**
 * How far ahead of the frames sent the stored `seq` is kept: each write stores `seq + SEQ_BLOCK`,
 * and a conversation loaded after a crash starts there, beyond any frame a tab may have seen.
 */
export const SEQ_BLOCK = 100_000;

/** A database written by a newer Talkbook: refused, saying what to do. */
export class SchemaTooNewError extends PublicError {
  override name = 'SchemaTooNewError';
}
