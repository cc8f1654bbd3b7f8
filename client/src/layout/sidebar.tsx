import type { ConversationSummary } from '../protocol.ts';
import { FileButton } from '../ui/file-button.tsx';
import { Icon } from '../ui/icons.tsx';
import { UploadProgress, type Upload } from '../ui/upload-progress.tsx';
import { ConversationItem } from './conversation-item.tsx';

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
}

/** Conversations, most recent first, and the button that starts a new one. */
export function Sidebar({ list, error, activeId, modelName, onNew, onOpen, onRename, onDelete, onImport, importing }: SidebarProps) {
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
        <ul>
          {list?.map((summary) => (
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
      <footer className="sidebar-footer">{modelName ? `Assistant: ${modelName}` : 'Talkbook'}</footer>
    </nav>
  );
}
