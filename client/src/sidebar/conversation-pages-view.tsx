import type { ReactNode } from 'react';
import type { ConversationListItem, ConversationSummary } from '../protocol.ts';
import { ConversationItem } from '../layout/conversation-item.tsx';
import { PageSentinel } from './page-sentinel.tsx';
import type { ConversationPages } from './use-conversation-pages.ts';

export interface ConversationPagesViewProps {
  pages: ConversationPages;
  activeId: string | undefined;
  /** The search the items are results of: titles and snippets highlight it, links open the matching cell. */
  query?: string | undefined;
  /** Shown when the list is empty. */
  empty: ReactNode;
  onOpen: (id: string, cellId?: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (summary: ConversationSummary) => void;
}

/** A paged list: its items, the sentinel that reads the next page, loading and error states. */
export function ConversationPagesView({ pages, activeId, query, empty, onOpen, onRename, onDelete }: ConversationPagesViewProps) {
  const { items, loading, loadingMore, error, hasMore } = pages;
  const retry = items ? pages.loadMore : pages.refresh;
  return (
    <>
      {items === undefined && loading ? (
        <p className="sidebar-note sidebar-loading" role="status">
          <span className="spinner" aria-hidden="true" /> {query ? 'Searching…' : 'Loading conversations…'}
        </p>
      ) : null}
      {items && items.length === 0 && !error ? empty : null}
      <ul aria-busy={loading || loadingMore}>
        {items?.map((item: ConversationListItem) => (
          <ConversationItem
            key={item.id}
            summary={item}
            active={item.id === activeId}
            query={query}
            match={query && item.match && item.matchCellId ? { text: item.match, cellId: item.matchCellId } : undefined}
            onOpen={onOpen}
            onRename={onRename}
            onDelete={onDelete}
          />
        ))}
        {items && hasMore && !error ? <PageSentinel onVisible={pages.loadMore} version={`${items.length}:${pages.busy}`} /> : null}
      </ul>
      {loadingMore ? (
        <p className="sidebar-note sidebar-loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading more…
        </p>
      ) : null}
      {error ? (
        <div className="sidebar-note sidebar-error" role="alert">
          {query ? 'Search failed' : 'Could not load conversations'}: {error}
          <button type="button" className="button ghost" onClick={retry}>
            Try again
          </button>
        </div>
      ) : null}
    </>
  );
}
