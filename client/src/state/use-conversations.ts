import { useCallback, useEffect, useState } from 'react';
import type { ConversationListItem } from '../protocol.ts';
import { useConversationPages, type ConversationPages } from '../sidebar/use-conversation-pages.ts';
import { useDebouncedValue } from '../sidebar/use-debounced-value.ts';
import { useListEvents } from './use-list-events.ts';

/** Refresh the list this often (other conversations' kernels; changes the event stream missed)… */
const REFRESH_MS = 15_000;
/** …and this seldom while the event stream brings new, renamed and deleted conversations. */
const LIVE_REFRESH_MS = 60_000;
/** Typing settles this long before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 200;

export interface ConversationsHandle {
  /** Every conversation, newest first, read a page at a time as the sidebar scrolls. */
  browse: ConversationPages;
  /** What the search box holds, and the results for it once typing settled (undefined: no search). */
  query: string;
  setQuery: (query: string) => void;
  search: ConversationPages | undefined;
  /** The search the results are for (what was typed, settled). */
  searched: string;
  refresh: () => void;
  /** Local change ahead of the server's answer (a title frame, a kernel state, a rename). */
  patch: (id: string, change: Partial<ConversationListItem>) => void;
  drop: (id: string) => void;
  add: (summary: ConversationListItem) => void;
}

/** The sidebar's conversations: the whole list and, while something is typed, the search results. */
export function useConversations(): ConversationsHandle {
  const [query, setQuery] = useState('');
  const settled = useDebouncedValue(query.trim(), SEARCH_DEBOUNCE_MS);
  // Clearing the box shows the whole list at once; typing waits for the debounce.
  const searched = query.trim() ? settled : '';
  const browse = useConversationPages();
  const search = useConversationPages({ q: searched, enabled: searched !== '' });

  const { refresh: refreshBrowse, patch: patchBrowse, drop: dropBrowse, add } = browse;
  const { refresh: refreshSearch, patch: patchSearch, drop: dropSearch } = search;
  const refresh = useCallback(() => {
    refreshBrowse();
    refreshSearch();
  }, [refreshBrowse, refreshSearch]);

  const drop = useCallback(
    (id: string) => {
      dropBrowse(id);
      dropSearch(id);
    },
    [dropBrowse, dropSearch],
  );
  const live = useListEvents({ refresh, drop, busy: browse.busy || search.busy });

  useEffect(() => {
    const timer = setInterval(refresh, live ? LIVE_REFRESH_MS : REFRESH_MS);
    window.addEventListener('focus', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
    };
  }, [refresh, live]);

  const patch = useCallback(
    (id: string, change: Partial<ConversationListItem>) => {
      patchBrowse(id, change);
      patchSearch(id, change);
    },
    [patchBrowse, patchSearch],
  );
  return { browse, query, setQuery, search: searched ? search : undefined, searched, refresh, patch, drop, add };
}
