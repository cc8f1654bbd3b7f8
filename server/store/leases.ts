import { PublicError } from '../errors.ts';

/** The server asking for a lease: its stable id and the address other servers reach it at. */
export interface LeaseHolder {
  id: string;
  url: string;
}

/** What taking a lease gave: held (with the fencing number every write carries), or someone else's. */
export type LeaseTake =
  | { held: true; fence: number }
  | { held: false; holder: LeaseHolder; expiresInMs: number };

/** A kernel on the shared Jupyter server that a conversation's next holder reattaches to. */
export interface StoredKernel {
  kernelId: string;
  kernelName: string;
  /** The session id (`clientId` in @jupyterlab/services) Jupyter Server buffers messages for. */
  clientId: string;
  /** The `msg_id` of the execution that was running, if one was. */
  runningMsgId: string | null;
}

/**
 * Who holds each conversation's live state (its turns, frame log and kernel connection). On
 * PostgreSQL a row per conversation: taken only when free, expired or already ours, in one
 * statement, the fencing number bumped on every take; every write of the conversation carries
 * the number it was taken with and is refused once another server took it since. SQLite is one
 * server: its leases are always held (`ALWAYS_HELD`).
 */
export interface ConversationLeases {
  /** Whether leases mean anything (false for SQLite: one server, always the holder). */
  readonly shared: boolean;
  take(conversationId: string, holder: LeaseHolder, ttlMs: number): Promise<LeaseTake>;
  /** Extend these held leases; returns the ids among them that are no longer ours. */
  renew(holderId: string, held: ReadonlyMap<string, number>, ttlMs: number): Promise<string[]>;
  /** Let go now (drain, unload): the next server takes it at once. */
  release(conversationId: string, fence: number): Promise<void>;
  /** The kernel the conversation's last holder used, if it recorded one. */
  kernel(conversationId: string): Promise<StoredKernel | undefined>;
  /** Record (or with `undefined`, forget) the conversation's kernel; fenced like every write. */
  recordKernel(conversationId: string, fence: number, kernel: StoredKernel | undefined): Promise<void>;
}

/** A write refused by the fencing number: another server took the conversation since. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(conversationId: string, fence: number) {
    super(`conversation ${conversationId}: the write with fencing number ${fence} was refused, another server holds the conversation now`);
  }
}

/** A request for a conversation another live server holds: retryable (the load balancer sends it there). */
export class NotHolderError extends PublicError {
  override name = 'NotHolderError';
  constructor(retryAfterS: number) {
    super('Another Talkbook server holds this conversation; retry (the load balancer routes the retry to it, or this server takes it over once that server stops renewing its lease).', 503, {
      headers: { 'Retry-After': String(retryAfterS) },
    });
  }
}

/** SQLite: a single server holds every conversation, always. */
export const ALWAYS_HELD: ConversationLeases = {
  shared: false,
  take: () => Promise.resolve({ held: true, fence: 0 }),
  renew: () => Promise.resolve([]),
  release: () => Promise.resolve(),
  kernel: () => Promise.resolve(undefined),
  recordKernel: () => Promise.resolve(),
};
