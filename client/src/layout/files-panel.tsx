import { useEffect, useState } from 'react';
import { api } from '../api/conversations-api.ts';
import type { WorkspaceFileEntry } from '../protocol.ts';
import { formatBytes } from '../ui/format-bytes.ts';
import { Icon } from '../ui/icons.tsx';
import { SidePanel } from './side-panel.tsx';

export interface FilesPanelProps {
  conversationId: string;
  /** Changes whenever the workspace may have changed (a turn ended, an upload finished). */
  version: string;
  onClose: () => void;
}

/** The conversation's workspace: uploads and files its code wrote, each a download link (a sheet on phones). */
export function FilesPanel({ conversationId, version, onClose }: FilesPanelProps) {
  const [files, setFiles] = useState<WorkspaceFileEntry[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    let live = true;
    api.files(conversationId).then(
      (list) => live && (setFiles([...list].sort((a, b) => a.name.localeCompare(b.name))), setError(undefined)),
      (failure: unknown) => live && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      live = false;
    };
  }, [conversationId, version]);

  return (
    <SidePanel title="Files" closeLabel="Close files" onClose={onClose} className="files-panel">
      {error ? <p className="files-panel-note">{error}</p> : null}
      {!files && !error ? <p className="files-panel-note">Loading…</p> : null}
      {files && files.length === 0 ? <p className="files-panel-note">No files yet. Upload one with the paperclip or drop it here, or write one from code.</p> : null}
      {files && files.length > 0 ? (
        <ul className="files-list">
          {files.map((file) => (
            <li key={file.name}>
              <a href={api.fileUrl(conversationId, file.name)} download={file.name} title={`Download ${file.name}`}>
                <Icon name="download" />
                <span className="file-name">{file.name}</span>
              </a>
              <span className="file-size">{formatBytes(file.size)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {files && files.length > 0 ? (
        <a className="files-archive" href={api.archiveUrl(conversationId)} download title="The notebook and these files in one zip: unpack it and Jupyter runs the notebook as is">
          <Icon name="download" />
          Notebook and files (.zip)
        </a>
      ) : null}
    </SidePanel>
  );
}
