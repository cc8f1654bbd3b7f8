import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/conversations-api.ts';
import type { ConversationListItem } from '../protocol.ts';
import { appendPage, dropItem, mergeFirstPage, patchItem, prependItem, withLocalChanges, type LoadedPages } from './merge-pages.ts';

/** Conversations per page (the server allows up to 200). */
export const PAGE_SIZE = 50;

export interface ConversationPages {
  /** Undefined until the first page arrived (or when `enabled` is false). */
  items: readonly ConversationListItem[] | undefined;
  /** More pages after the loaded ones. */
  hasMore: boolean;
  /** The first page is being read and nothing is shown yet. */
  loading: boolean;
  /** The next page is being read. */
  loadingMore: boolean;
  /** Any page is being read (a refresh too): a page asked for meanwhile is asked for again after. */
  busy: boolean;
  /** Why the last read failed; the next `loadMore` or `refresh` tries again. */
  error: string | undefined;
  /** Read the next page (the sidebar's sentinel scrolled into view). Does nothing while one is read. */
  loadMore: () => void;
  /** Read the first page again and merge it in (new conversations on top, moved ones moved). */
  refresh: () => void;
  patch: (id: string, change: Partial<ConversationListItem>) => void;
  drop: (id: string) => void;
  add: (item: ConversationListItem) => void;
}

/**
 * The conversation list read a page at a time, newest first; with `q`, the search results. A
 * new `q` cancels what was being read for the old one (AbortController) and starts over.
 */
export function useConversationPages(options: { q?: string | undefined; enabled?: boolean } = {}): ConversationPages {
  const { q, enabled = true } = options;
  const [loaded, setLoaded] = useState<LoadedPages | undefined>(undefined);
  const [reading, setReading] = useState<'first' | 'more' | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  // What the callbacks need without re-creating them: the pages as last rendered, the reads under way.
  const current = useRef<LoadedPages | undefined>(undefined);
  current.current = loaded;
  const reads = useRef<{ controller: AbortController; more: boolean } | undefined>(undefined);
  const generation = useRef(0);
  // Made or deleted here while a first page was being read: that page may not know yet.
  const localChanges = useRef<{ added: Map<string, ConversationListItem>; dropped: Set<string> }>({ added: new Map(), dropped: new Set() });

  const read = useCallback(
    (more: boolean) => {
      if (!enabled) return;
      if (reads.current) {
        // One read at a time; a refresh waits for nothing (the next tick retries), a page read waits for the refresh.
        return;
      }
      const cursor = more ? current.current?.nextCursor : undefined;
      if (more && !cursor) return;
      const controller = new AbortController();
      const mine = generation.current;
      reads.current = { controller, more };
      if (!more) localChanges.current = { added: new Map(), dropped: new Set() };
      const changes = localChanges.current;
      setReading(more ? 'more' : 'first');
      api.list({ limit: PAGE_SIZE, cursor: cursor ?? undefined, q, signal: controller.signal }).then(
        (page) => {
          if (mine !== generation.current) return;
          setError(undefined);
          setLoaded((before) => {
            if (!more) return withLocalChanges(mergeFirstPage(before, page), changes);
            // The list changed under this read (a refresh reached further): the sentinel asks again.
            if (!before || before.nextCursor !== cursor) return before;
            return appendPage(before, page);
          });
        },
        (reason: unknown) => {
          if (mine !== generation.current || controller.signal.aborted) return;
          setError(reason instanceof Error ? reason.message : String(reason));
        },
      ).finally(() => {
        if (mine !== generation.current) return;
        reads.current = undefined;
        setReading(undefined);
      });
    },
    [enabled, q],
  );

  // A new query (or enabling): forget the old pages, cancel their read, read the first page.
  useEffect(() => {
    generation.current += 1;
    reads.current?.controller.abort();
    reads.current = undefined;
    setLoaded(undefined);
    setError(undefined);
    setReading(undefined);
    if (!enabled) return;
    read(false);
    return () => {
      generation.current += 1;
      reads.current?.controller.abort();
      reads.current = undefined;
    };
  }, [enabled, read]);

  const loadMore = useCallback(() => read(true), [read]);
  const refresh = useCallback(() => read(false), [read]);
  const patch = useCallback((id: string, change: Partial<ConversationListItem>) => setLoaded((before) => patchItem(before, id, change)), []);
  const drop = useCallback((id: string) => {
    localChanges.current.added.delete(id);
    localChanges.current.dropped.add(id);
    setLoaded((before) => dropItem(before, id));
  }, []);
  const add = useCallback((item: ConversationListItem) => {
    localChanges.current.added.set(item.id, item);
    localChanges.current.dropped.delete(item.id);
    setLoaded((before) => (before ? prependItem(before, item) : before));
  }, []);

  return {
    items: loaded?.items,
    hasMore: Boolean(loaded?.nextCursor),
    loading: reading === 'first' && loaded === undefined,
    loadingMore: reading === 'more',
    busy: reading !== undefined,
    error,
    loadMore,
    refresh,
    patch,
    drop,
    add,
  };
}
