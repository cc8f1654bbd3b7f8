import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { sharingApi } from '../api/sharing-api.ts';
import type { DirectoryUser, ShareInfo } from '../protocol.ts';
import { CopyButton } from '../ui/copy-button.tsx';
import { Sheet } from '../ui/sheet.tsx';

type Role = ShareInfo['role'];
const message = (reason: unknown) => (reason instanceof Error ? reason.message : String(reason));

export interface ShareDialogProps {
  conversationId: string;
  title: string;
  onClose: () => void;
  /** Called with whether anyone else has access now (a share or the link), after every change. */
  onShared: (shared: boolean) => void;
}

/**
 * The owner's share dialog: who has access (the owner, viewers, editors), adding a person by
 * username with a role, changing a role, revoking; and the read-only link, created (shown
 * once: only its hash is kept) or revoked.
 */
export function ShareDialog({ conversationId, title, onClose, onShared }: ShareDialogProps) {
  const [shares, setShares] = useState<ShareInfo[]>([]);
  const [link, setLink] = useState(false);
  const [newLink, setNewLink] = useState<string | undefined>(undefined);
  const [users, setUsers] = useState<DirectoryUser[]>([]);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [status, setStatus] = useState<string | undefined>(undefined);

  const reload = useCallback(() => {
    sharingApi.list(conversationId).then((list) => {
      setShares(list.shares);
      setLink(list.link);
      onShared(list.shares.length > 0 || list.link);
    }, (reason: unknown) => setStatus(message(reason)));
  }, [conversationId, onShared]);
  useEffect(() => {
    reload();
    sharingApi.users().then(setUsers, (reason: unknown) => setStatus(message(reason)));
  }, [reload]);

  const act = (work: Promise<unknown>, done: string) =>
    void work.then(() => {
      setStatus(done);
      reload();
    }, (reason: unknown) => setStatus(message(reason)));

  const add = (event: FormEvent) => {
    event.preventDefault();
    const wanted = username.trim().toLowerCase();
    const user = users.find((candidate) => candidate.username?.toLowerCase() === wanted);
    if (!user) return setStatus(`There is no user named “${username.trim()}”.`);
    act(sharingApi.put(conversationId, user.id, role), `Shared with ${user.displayName} as ${role}.`);
    setUsername('');
  };

  return (
    <Sheet label="Share" side="center" onClose={onClose} className="share-dialog">
      <div className="sheet-head">
        <h2>Share “{title}”</h2>
        <button type="button" className="button ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="sheet-body">
        <h3>Who has access</h3>
        <ul className="share-list" aria-label="Who has access">
          <li>
            <span className="share-who">You</span>
            <span>owner</span>
          </li>
          {shares.map((share) => (
            <li key={share.userId} data-share-user={share.username ?? share.userId}>
              <span className="share-who">
                {share.displayName}
                {share.username && share.username !== share.displayName ? ` (${share.username})` : ''}
              </span>
              <select
                aria-label={`Role of ${share.displayName}`}
                value={share.role}
                onChange={(event) => act(sharingApi.put(conversationId, share.userId, event.target.value as Role), `${share.displayName} is now ${event.target.value}.`)}
              >
                <option value="viewer">viewer</option>
                <option value="editor">editor</option>
              </select>
              <button type="button" className="button ghost" onClick={() => act(sharingApi.revoke(conversationId, share.userId), `${share.displayName} no longer has access.`)}>
                Revoke {share.displayName}
              </button>
            </li>
          ))}
        </ul>
        <form className="share-add" onSubmit={add}>
          <label>
            <span>Username</span>
            <input aria-label="Username" list="share-users" required value={username} autoComplete="off" onChange={(event) => setUsername(event.target.value)} />
            <datalist id="share-users">
              {users.filter((user) => user.username).map((user) => (
                <option key={user.id} value={user.username!}>
                  {user.displayName}
                </option>
              ))}
            </datalist>
          </label>
          <label>
            <span>Role</span>
            <select aria-label="Role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
              <option value="viewer">viewer (read, export, watch)</option>
              <option value="editor">editor (also run, ask, upload)</option>
            </select>
          </label>
          <button type="submit" className="button primary">
            Share
          </button>
        </form>
        <h3>Read-only link</h3>
        <p className="share-link-help">Anyone signed in to this Talkbook who opens the link can read, export and watch this conversation, never run it.</p>
        {newLink ? (
          <div className="share-link-row" role="status">
            <span className="share-link-url" data-share-link>
              {newLink}
            </span>
            <CopyButton text={newLink} label="Copy the link" />
          </div>
        ) : link ? (
          <p>A link exists (its address was shown when it was made). A new one replaces it.</p>
        ) : null}
        <div className="share-link-row">
          <button type="button" className="button" onClick={() => void sharingApi.createLink(conversationId).then((made) => {
            setNewLink(made.url);
            setStatus('Link created: copy it now, it is shown only once.');
            reload();
          }, (reason: unknown) => setStatus(message(reason)))}>
            {link ? 'Make a new link' : 'Create a read-only link'}
          </button>
          {link ? (
            <button type="button" className="button danger" onClick={() => {
              setNewLink(undefined);
              act(sharingApi.revokeLink(conversationId), 'The link no longer works.');
            }}>
              Revoke the link
            </button>
          ) : null}
        </div>
        {status ? <p role="status">{status}</p> : null}
      </div>
    </Sheet>
  );
}
