import type { WebSocket } from 'ws';
import { NOT_HOLDER_REASON, SOCKET_CLOSE } from '../protocol/index.ts';
import type { Access } from './conversation-access.ts';

/** One open conversation socket and whom it acts for. */
export interface OpenSocket {
  ws: WebSocket;
  userId: string;
  conversationId: string;
  /** Changes while the socket is open when a share's role changes. */
  access: Access;
  /** Opened through the read-only link: revoking or replacing the link closes it. */
  viaLink?: boolean;
}

/** Close code when access to a conversation ends while its socket is open. */
export const ACCESS_ENDED = SOCKET_CLOSE.ACCESS_ENDED;

/**
 * The open conversation sockets, so that revoking a share, changing it, or disabling a user
 * takes effect on sockets already open, not only on the next request.
 */
export class SocketRegistry {
  private readonly open = new Set<OpenSocket>();

  add(entry: OpenSocket): () => void {
    this.open.add(entry);
    return () => this.open.delete(entry);
  }

  /** A share's role changed: open sockets of that user on that conversation follow it. */
  setAccess(conversationId: string, userId: string, access: Access): void {
    for (const entry of this.open) if (entry.conversationId === conversationId && entry.userId === userId) entry.access = access;
  }

  /** Close the sockets of a user (on one conversation, or all); returns how many. */
  close(userId: string, conversationId?: string, reason = 'Your access to this conversation ended.'): number {
    let closed = 0;
    for (const entry of this.open) {
      if (entry.userId !== userId || (conversationId !== undefined && entry.conversationId !== conversationId)) continue;
      entry.ws.close(ACCESS_ENDED, reason);
      this.open.delete(entry);
      closed += 1;
    }
    return closed;
  }

  /** The read-only link of a conversation was revoked or replaced: the sockets it opened close. */
  closeLinkViewers(conversationId: string): number {
    let closed = 0;
    for (const entry of this.open) {
      if (entry.conversationId !== conversationId || !entry.viaLink) continue;
      entry.ws.close(ACCESS_ENDED, 'The link to this conversation was revoked.');
      this.open.delete(entry);
      closed += 1;
    }
    return closed;
  }

  /** The conversation moved to another server: its sockets close with `NOT_HOLDER`, and reconnect there. */
  moved(conversationId: string): number {
    let closed = 0;
    for (const entry of this.open) {
      if (entry.conversationId !== conversationId) continue;
      entry.ws.close(SOCKET_CLOSE.NOT_HOLDER, NOT_HOLDER_REASON);
      this.open.delete(entry);
      closed += 1;
    }
    return closed;
  }

  /** Open sockets per user (the admin page's "connected now"). */
  usersOnline(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.open) counts.set(entry.userId, (counts.get(entry.userId) ?? 0) + 1);
    return counts;
  }

  size(): number {
    return this.open.size;
  }
}
