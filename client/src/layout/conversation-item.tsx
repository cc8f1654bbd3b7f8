import { useState, type MouseEvent } from 'react';
import type { ConversationSummary } from '../protocol.ts';
import { routePath } from '../router/route.ts';
import { Icon } from '../ui/icons.tsx';
import { KernelDot } from '../ui/kernel-dot.tsx';
import { HighlightedText, MatchSnippet } from '../sidebar/match-snippet.tsx';

export interface ConversationItemProps {
  summary: ConversationSummary;
  active: boolean;
  /** A search result: the search, and where in the conversation it matched (a cell's text). */
  query?: string | undefined;
  match?: { text: string; cellId: string } | undefined;
  onOpen: (id: string, cellId?: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (summary: ConversationSummary) => void;
}

/** One sidebar entry: a real link (middle-click works), with rename and delete. */
export function ConversationItem({ summary, active, query, match, onOpen, onRename, onDelete }: ConversationItemProps) {
  const [renaming, setRenaming] = useState(false);
  const [draft, setDraft] = useState(summary.title);

  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onOpen(summary.id, match?.cellId);
  };

  if (renaming) {
    const finish = (save: boolean) => {
      setRenaming(false);
      if (save && draft.trim() && draft.trim() !== summary.title) onRename(summary.id, draft.trim());
    };
    return (
      <li className="conversation-item renaming">
        <input
          className="rename-input"
          aria-label="Conversation title"
          value={draft}
          autoFocus
          maxLength={200}
          onChange={(event) => setDraft(event.target.value)}
          onFocus={(event) => event.target.select()}
          onBlur={() => finish(true)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') finish(true);
            if (event.key === 'Escape') finish(false);
          }}
        />
      </li>
    );
  }

  return (
    <li className={`conversation-item${active ? ' active' : ''}${match ? ' has-match' : ''}`}>
      <a
        href={routePath({ name: 'conversation', id: summary.id, ...(match ? { cellId: match.cellId } : {}) })}
        aria-current={active ? 'page' : undefined}
        onClick={onClick}
      >
        <KernelDot state={summary.kernelState} />
        {query ? (
          <span className="conversation-text">
            <HighlightedText className="conversation-title" text={summary.title} query={query} />
            {match ? <MatchSnippet text={match.text} query={query} /> : null}
          </span>
        ) : (
          <span className="conversation-title">{summary.title}</span>
        )}
      </a>
      <span className="item-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Rename ${summary.title}`}
          title="Rename"
          onClick={() => {
            setDraft(summary.title);
            setRenaming(true);
          }}
        >
          <Icon name="pencil" />
        </button>
        <button type="button" className="icon-button" aria-label={`Delete ${summary.title}`} title="Delete" onClick={() => onDelete(summary)}>
          <Icon name="trash" />
        </button>
      </span>
    </li>
  );
}
