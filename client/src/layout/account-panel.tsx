import { useEffect, useState, type FormEvent } from 'react';
import { accountApi } from '../api/auth-api.ts';
import type { ApiTokenInfo, SessionInfo } from '../protocol.ts';
import { Sheet } from '../ui/sheet.tsx';

const message = (reason: unknown) => (reason instanceof Error ? reason.message : String(reason));

/** One's account: who is signed in, a password, API tokens (each shown once), signing out. */
export function AccountPanel({ onClose }: { onClose: () => void }) {
  const [session, setSession] = useState<SessionInfo | undefined>(undefined);
  const [tokens, setTokens] = useState<ApiTokenInfo[]>([]);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [tokenName, setTokenName] = useState('');
  const [newToken, setNewToken] = useState<string | undefined>(undefined);

  const reload = () => {
    accountApi.session().then(setSession, (reason: unknown) => setStatus(message(reason)));
    accountApi.tokens().then(setTokens, (reason: unknown) => setStatus(message(reason)));
  };
  useEffect(reload, []);

  const savePassword = (event: FormEvent) => {
    event.preventDefault();
    accountApi.setPassword({ ...(session?.user.hasPassword ? { currentPassword: current } : {}), newPassword: next }).then(() => {
      setCurrent('');
      setNext('');
      setStatus('Password saved. Your other sessions were signed out.');
      reload();
    }, (reason: unknown) => setStatus(message(reason)));
  };

  const createToken = (event: FormEvent) => {
    event.preventDefault();
    accountApi.createToken(tokenName).then(({ token }) => {
      setNewToken(token);
      setTokenName('');
      reload();
    }, (reason: unknown) => setStatus(message(reason)));
  };

  return (
    <Sheet label="Account" side="center" onClose={onClose} className="account-panel">
      <div className="sheet-head">
        <h2>Account</h2>
        <button type="button" className="button ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="sheet-body">
        {session ? (
          <p>
            Signed in as <strong>{session.user.displayName}</strong>
            {session.user.username ? ` (${session.user.username})` : ''}, {session.user.role}.
          </p>
        ) : null}
        {status ? <p role="status">{status}</p> : null}
        <form className="sign-in-form" onSubmit={savePassword}>
          <h3>{session?.user.hasPassword ? 'Change your password' : 'Set a password'}</h3>
          {session?.user.hasPassword ? (
            <label>
              <span>Current password</span>
              <input type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
            </label>
          ) : null}
          <label>
            <span>New password (at least 10 characters)</span>
            <input type="password" autoComplete="new-password" required minLength={10} value={next} onChange={(event) => setNext(event.target.value)} />
          </label>
          <button type="submit" className="button primary">
            Save password
          </button>
        </form>
        <form className="sign-in-form" onSubmit={createToken}>
          <h3>API tokens</h3>
          <ul className="token-list">
            {tokens.map((token) => (
              <li key={token.id}>
                <span>{token.name}</span>
                <button type="button" className="button ghost" onClick={() => void accountApi.revokeToken(token.id).then(reload, (reason: unknown) => setStatus(message(reason)))}>
                  Revoke {token.name}
                </button>
              </li>
            ))}
          </ul>
          {newToken ? (
            <p role="status">
              Your new token (shown only now): <code className="new-token">{newToken}</code>
            </p>
          ) : null}
          <label>
            <span>Token name</span>
            <input required maxLength={100} value={tokenName} onChange={(event) => setTokenName(event.target.value)} />
          </label>
          <button type="submit" className="button">
            Create token
          </button>
        </form>
        <button type="button" className="button danger" onClick={() => void accountApi.signOut().then(() => window.location.reload(), (reason: unknown) => setStatus(message(reason)))}>
          Sign out
        </button>
      </div>
    </Sheet>
  );
}
