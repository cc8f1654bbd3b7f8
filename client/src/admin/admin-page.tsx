import { useCallback, useEffect, useState } from 'react';
import { adminApi } from '../api/admin-api.ts';
import { HttpError } from '../api/http.ts';
import type { AdminUsage, AuditEntryInfo, PublicUser } from '../protocol.ts';
import { formatBytes } from '../ui/format-bytes.ts';
import { DrawerButton } from '../layout/drawer-button.tsx';

const message = (reason: unknown) => (reason instanceof Error ? reason.message : String(reason));

/**
 * The admin page (`/admin`, admins only: the API answers 404 to anyone else): users (disable,
 * enable, change role), their live kernels and what the store holds for them, the limits, and
 * the audit log. Reloads after each change.
 */
export function AdminPage({ onDrawer }: { onDrawer?: (() => void) | undefined }) {
  const [users, setUsers] = useState<PublicUser[] | undefined>(undefined);
  const [usage, setUsage] = useState<AdminUsage | undefined>(undefined);
  const [audit, setAudit] = useState<AuditEntryInfo[]>([]);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [missing, setMissing] = useState(false);

  const reload = useCallback(() => {
    adminApi.users().then(setUsers, (reason: unknown) => (reason instanceof HttpError && reason.status === 404 ? setMissing(true) : setStatus(message(reason))));
    adminApi.usage().then(setUsage, () => {});
    adminApi.audit().then(setAudit, () => {});
  }, []);
  useEffect(reload, [reload]);

  if (missing) {
    return (
      <div className="page-message">
        <h1>Page not found</h1>
        <p>The admin page is for admins.</p>
      </div>
    );
  }

  const change = (user: PublicUser, changes: { role?: PublicUser['role']; disabled?: boolean }, done: string) =>
    void adminApi.update(user.id, changes).then(() => {
      setStatus(done);
      reload();
    }, (reason: unknown) => setStatus(message(reason)));
  const nameOf = (id: string | null) => (id ? (users?.find((user) => user.id === id)?.displayName ?? id) : 'Talkbook');
  const limits = usage?.limits;

  return (
    <div className="admin-page">
      <header className="conversation-header">
        {onDrawer ? <DrawerButton onOpen={onDrawer} /> : null}
        <h1 className="conversation-heading">Admin</h1>
      </header>
      <div className="admin-body">
        <p className="admin-limits">
          Kernels per person: {limits?.maxKernelsPerUser ?? 'no limit'} (TALKBOOK_MAX_KERNELS_PER_USER) · Storage per person:{' '}
          {limits?.storageQuotaBytes ? formatBytes(limits.storageQuotaBytes) : 'no quota'} (TALKBOOK_STORAGE_QUOTA_MB). Storage counts what the store holds for a person’s conversations: cells,
          outputs and checkpoints kept in the database, not workspace files.
        </p>
        {status ? <p role="status">{status}</p> : null}
        <h2>Users</h2>
        <div className="admin-table-wrap" role="region" aria-label="Users, scrollable" tabIndex={0}>
          <table className="admin-table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Live kernels</th>
                <th scope="col">Storage</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {(users ?? []).map((user) => {
                const used = usage?.users.find((entry) => entry.userId === user.id);
                return (
                  <tr key={user.id} data-user={user.username ?? user.id}>
                    <th scope="row">
                      {user.displayName}
                      {user.username && user.username !== user.displayName ? <span className="admin-username"> ({user.username})</span> : null}
                    </th>
                    <td>
                      <select aria-label={`Role of ${user.displayName}`} value={user.role} onChange={(event) => change(user, { role: event.target.value as PublicUser['role'] }, `${user.displayName} is now ${event.target.value}.`)}>
                        <option value="member">member</option>
                        <option value="admin">admin</option>
                      </select>
                    </td>
                    <td>
                      <span className={user.disabled ? 'admin-disabled' : 'admin-active'}>{user.disabled ? 'Disabled' : 'Active'}</span>{' '}
                      <button
                        type="button"
                        className={`button ${user.disabled ? 'ghost' : 'danger'}`}
                        onClick={() => change(user, { disabled: !user.disabled }, user.disabled ? `${user.displayName} can sign in again.` : `${user.displayName} is disabled: their sessions ended.`)}
                      >
                        {user.disabled ? `Enable ${user.displayName}` : `Disable ${user.displayName}`}
                      </button>
                    </td>
                    <td data-kernels={used?.kernels.length ?? 0}>
                      {used?.kernels.length ? used.kernels.map((kernel) => `${kernel.title}${kernel.busy ? ' (busy)' : ''}`).join(', ') : 'none'}
                    </td>
                    <td>
                      {formatBytes(used?.storageBytes ?? 0)} in {used?.conversations ?? 0} conversation{used?.conversations === 1 ? '' : 's'}
                    </td>
                    <td>{user.lastSeenAt ? new Date(user.lastSeenAt).toLocaleString() : 'never'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <h2>Audit log</h2>
        <div className="admin-table-wrap" role="region" aria-label="Audit log, scrollable" tabIndex={0}>
          <table className="admin-table" aria-label="Audit log">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Target</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {audit.map((entry, index) => (
                <tr key={`${entry.at}-${index}`}>
                  <td>{new Date(entry.at).toLocaleString()}</td>
                  <td>{nameOf(entry.actorId)}</td>
                  <td>{entry.action}</td>
                  <td>{entry.target ? (users?.find((user) => user.id === entry.target)?.displayName ?? entry.target) : ''}</td>
                  <td>{entry.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
