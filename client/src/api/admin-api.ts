import { z } from 'zod';
import { adminUsage, auditEntry, publicUser, type AdminUsage, type AuditEntryInfo, type PublicUser } from '../protocol.ts';
import { request } from './http.ts';

const userList = z.object({ users: z.array(publicUser) });
const auditList = z.object({ entries: z.array(auditEntry) });

/** `/api/admin/*` (admins only; anyone else gets 404). */
export const adminApi = {
  users: async (): Promise<PublicUser[]> => (await request('/api/admin/users', {}, userList))!.users,
  update: async (id: string, changes: { role?: PublicUser['role']; disabled?: boolean }): Promise<PublicUser> =>
    (await request(`/api/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify(changes) }, publicUser))!,
  usage: async (): Promise<AdminUsage> => (await request('/api/admin/usage', {}, adminUsage))!,
  audit: async (): Promise<AuditEntryInfo[]> => (await request('/api/admin/audit', {}, auditList))!.entries,
};
