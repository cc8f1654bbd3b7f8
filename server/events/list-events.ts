import { z } from 'zod';
import type { Logger } from '../log.ts';
import { conversationListEvent, type ConversationListEvent } from '../protocol/index.ts';

/**
 * A change to conversation lists. `audience`: the users it is for, when the store can no longer
 * say (a deleted conversation, a revoked share) or says more than needed (a new share: its
 * user); without it, each server asks the store who may see the conversation.
 */
export interface ListChange extends ConversationListEvent {
  audience?: readonly string[];
}

/** Carries changes between servers (PostgreSQL `LISTEN/NOTIFY`, server/store/postgres-channel.ts). */
export interface ListRelay {
  /** Sent on a best-effort basis: a change lost while the relay is down is caught by the tabs' slow polling. */
  publish(payload: string): void;
  onMessage(handler: (payload: string) => void): void;
  close(): Promise<void>;
}

export interface ListEventsOptions {
  /** This server, so that it does not deliver its own changes twice when the relay echoes them. */
  serverId: string;
  log: Logger;
  relay?: ListRelay | undefined;
}

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;

/** What goes through the relay: ids and the kind only, never a title (each server re-reads what it may show). */
const relayed = conversationListEvent.extend({
  origin: z.string().min(1),
  audience: z.array(z.string().min(1)).optional(),
});

export type ListListener = (change: ListChange) => void;

/**
 * The conversation-list event bus of one server: changes made here are delivered to this
 * server's listeners at once and relayed to the other servers, whose relayed changes are
 * delivered here. With SQLite (one server) there is no relay.
 */
export class ListEvents {
  private readonly listeners = new Set<ListListener>();
  private readonly options: ListEventsOptions;

  constructor(options: ListEventsOptions) {
    this.options = options;
    options.relay?.onMessage((payload) => this.received(payload));
  }

  emit(change: ListChange): void {
    this.deliver(change);
    const { relay, serverId, log } = this.options;
    if (!relay) return;
    const { kind, conversationId, audience } = change;
    let payload = JSON.stringify({ kind, conversationId, origin: serverId, ...(audience ? { audience } : {}) });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      // Too many users to name: the other servers cannot tell whom it is for, so their tabs learn it by polling.
      log.warn(`the ${kind} event of conversation ${conversationId} names too many users to relay; other servers' tabs see it at their next refresh`);
      if (audience) return;
      payload = JSON.stringify({ kind, conversationId, origin: serverId });
    }
    relay.publish(payload);
  }

  /** Listen to every change (filter by user yourself); returns how to stop. */
  subscribe(listener: ListListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  close(): Promise<void> {
    this.listeners.clear();
    return this.options.relay?.close() ?? Promise.resolve();
  }

  private received(payload: string): void {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      json = undefined;
    }
    const parsed = relayed.safeParse(json);
    if (!parsed.success) {
      this.options.log.warn(`ignored a conversation-list event that is not one: ${payload.slice(0, 200)}`);
      return;
    }
    const { origin, ...change } = parsed.data;
    if (origin === this.options.serverId) return;
    this.deliver(change);
  }

  private deliver(change: ListChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.options.log.warn('a conversation-list listener failed', error);
      }
    }
  }
}
