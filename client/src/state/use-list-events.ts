import { useEffect, useRef, useState } from 'react';
import { followListEvents } from '../api/list-events.ts';
import { assertNever, type ConversationListEvent } from '../protocol.ts';

export interface ListEventTargets {
  /** Read the first page again. */
  refresh: () => void;
  /** Take a conversation out of the loaded pages. */
  drop: (id: string) => void;
  /** A read is under way (a refresh asked for meanwhile would be skipped, so it waits). */
  busy: boolean;
}

/**
 * The list follows the server's conversation-list events: a created, renamed or shared
 * conversation reads the first page again (where it now is, newest first); a deleted or
 * unshared one leaves the list at once. Returns whether the stream is live (the slow polling
 * then suffices).
 */
export function useListEvents({ refresh, drop, busy }: ListEventTargets): boolean {
  const [live, setLive] = useState(false);
  const pending = useRef(false);
  const targets = useRef({ refresh, drop, busy });
  targets.current = { refresh, drop, busy };

  useEffect(() => {
    const refreshSoon = () => {
      if (targets.current.busy) pending.current = true;
      else targets.current.refresh();
    };
    const onEvent = (event: ConversationListEvent) => {
      switch (event.kind) {
        case 'created':
        case 'renamed':
        case 'shared':
          refreshSoon();
          return;
        case 'deleted':
        case 'unshared':
          targets.current.drop(event.conversationId);
          return;
        default:
          assertNever(event.kind);
      }
    };
    let connected = false;
    return followListEvents({
      onEvent,
      onReady: () => {
        setLive(true);
        // The first page is being read already the first time; after a reconnect, read what was missed.
        if (connected) refreshSoon();
        connected = true;
      },
      onDown: () => setLive(false),
    });
  }, []);

  // A change arrived during a read that may have started before it: read again once that one is done.
  useEffect(() => {
    if (busy || !pending.current) return;
    pending.current = false;
    refresh();
  }, [busy, refresh]);

  return live;
}
