import type { ConversationSummary } from '../protocol.ts';
import { ConversationPagesView } from '../sidebar/conversation-pages-view.tsx';
import { SearchBox } from '../sidebar/search-box.tsx';
import type { ConversationsHandle } from '../state/use-conversations.ts';
import { FileButton } from '../ui/file-button.tsx';
import { Icon } from '../ui/icons.tsx';
import { UploadProgress, type Upload } from '../ui/upload-progress.tsx';

export interface SidebarProps {
  conversations: ConversationsHandle;
  activeId: string | undefined;
  modelName: string | undefined;
  onNew: () => void;
  /** Open a conversation, at `cellId` for a search result that matched in a cell. */
  onOpen: (id: string, cellId?: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (summary: ConversationSummary) => void;
  onImport: (file: File) => void;
  importing: Upload | undefined;
  /** Opens the keyboard shortcuts help. */
  onHelp: () => void;
}

/**
 * Conversations, most recent first, read a page at a time as the list scrolls; a search box that
 * searches their text as you type; the button that starts a new one.
 */
export function Sidebar({ conversations, activeId, modelName, onNew, onOpen, onRename, onDelete, onImport, importing, onHelp }: SidebarProps) {
  const { browse, search, query, searched, setQuery } = conversations;
  const typed = query.trim();
  const pending = typed !== '' && (typed !== searched || search?.items === undefined || search.loading);
  const showSearch = typed !== '' || (browse.items?.length ?? 0) > 0;
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
      {showSearch ? <SearchBox value={query} onChange={setQuery} busy={pending} /> : null}
      <div className="conversation-list">
        {search ? (
          <ConversationPagesView
            key="search"
            pages={search}
            activeId={activeId}
            query={searched}
            empty={
              <p className="sidebar-note" role="status">
                No conversations match “{searched}”.
              </p>
            }
            onOpen={onOpen}
            onRename={onRename}
            onDelete={onDelete}
          />
        ) : (
          <ConversationPagesView
            key="browse"
            pages={browse}
            activeId={activeId}
            empty={<p className="sidebar-note">No conversations yet.</p>}
            onOpen={onOpen}
            onRename={onRename}
            onDelete={onDelete}
          />
        )}
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
