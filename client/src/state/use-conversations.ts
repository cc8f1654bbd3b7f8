import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/conversations-api.ts';
import type { ConversationSummary } from '../protocol.ts';

/** Refresh the list this often (other tabs, other conversations' kernels). */
const REFRESH_MS = 15_000;

export interface ConversationsHandle {
  list: readonly ConversationSummary[] | undefined;
  error: string | undefined;
  refresh: () => void;
  /** Local change ahead of the server's answer (a title frame, a kernel state, a rename). */
  patch: (id: string, change: Partial<ConversationSummary>) => void;
  drop: (id: string) => void;
  add: (summary: ConversationSummary) => void;
}

/** The sidebar's conversations, most recent first. */
export function useConversations(): ConversationsHandle {
  const [list, setList] = useState<readonly ConversationSummary[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const refresh = useCallback(() => {
    api.list({ limit: 200 }).then(
      ({ items }) => {
        setList(items);
        setError(undefined);
      },
      (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)),
    );
  }, []);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    window.addEventListener('focus', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
    };
  }, [refresh]);

  const patch = useCallback((id: string, change: Partial<ConversationSummary>) => {
    setList((items) => items?.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);
  const drop = useCallback((id: string) => setList((items) => items?.filter((item) => item.id !== id)), []);
  const add = useCallback(
    (summary: ConversationSummary) => setList((items) => [summary, ...(items ?? []).filter((item) => item.id !== summary.id)]),
    [],
  );
  return { list, error, refresh, patch, drop, add };
}
