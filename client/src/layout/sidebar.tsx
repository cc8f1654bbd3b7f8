import { useState } from 'react';
import type { ConversationSummary } from '../protocol.ts';
import { FileButton } from '../ui/file-button.tsx';
import { Icon } from '../ui/icons.tsx';
import { UploadProgress, type Upload } from '../ui/upload-progress.tsx';
import { ConversationItem } from './conversation-item.tsx';
import { matchesTitle } from './match-title.ts';

/** From this many conversations on, the list has a filter box. */
const FILTER_FROM = 8;

export interface SidebarProps {
  list: readonly ConversationSummary[] | undefined;
  error: string | undefined;
  activeId: string | undefined;
  modelName: string | undefined;
  onNew: () => void;
  onOpen: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (summary: ConversationSummary) => void;
  onImport: (file: File) => void;
  importing: Upload | undefined;
  /** Opens the keyboard shortcuts help. */
  onHelp: () => void;
}

/** Conversations, most recent first, and the button that starts a new one. */
export function Sidebar({ list, error, activeId, modelName, onNew, onOpen, onRename, onDelete, onImport, importing, onHelp }: SidebarProps) {
  const [query, setQuery] = useState('');
  // The conversation open now stays listed, so the page never shows one the list hides.
  const shown = query.trim() ? list?.filter((summary) => summary.id === activeId || matchesTitle(summary.title, query)) : list;
  return (
    <nav className="sidebar" aria-label="Conversations">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Talkbook
      </div>
      <button type="button" className="button primary new-conversation" onClick={onNew}>
        <Icon name="plus" />
        New conversation
      </button>
      <FileButton
        label="Import notebook"
        accept=".ipynb,application/x-ipynb+json,application/json"
        className="button ghost import-notebook"
        disabled={importing !== undefined}
        onFiles={([file]) => file && onImport(file)}
      >
        <Icon name="upload" />
        Import notebook
      </FileButton>
      {importing ? <UploadProgress upload={importing} verb="Importing" /> : null}
      <div className="conversation-list">
        {error ? <p className="sidebar-note">Could not load conversations: {error}</p> : null}
        {list && list.length === 0 ? <p className="sidebar-note">No conversations yet.</p> : null}
        {list && list.length >= FILTER_FROM ? (
          <input
            type="search"
            className="conversation-filter"
            aria-label="Filter conversations"
            placeholder="Filter conversations"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        ) : null}
        {shown && list && shown.length === 0 && list.length > 0 ? <p className="sidebar-note">No conversation title matches.</p> : null}
        <ul>
          {shown?.map((summary) => (
            <ConversationItem
              key={summary.id}
              summary={summary}
              active={summary.id === activeId}
              onOpen={onOpen}
              onRename={onRename}
              onDelete={onDelete}
            />
          ))}
        </ul>
      </div>
      <footer className="sidebar-footer">
        <span className="sidebar-model">{modelName ? `Assistant: ${modelName}` : 'Talkbook'}</span>
        <button type="button" className="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={onHelp}>
          <Icon name="keyboard" />
        </button>
      </footer>
    </nav>
  );
}
