import { z } from 'zod';
import { createdShareLink, directoryUser, openedShareLink, shareInfo, shareList, type DirectoryUser, type ShareInfo } from '../protocol.ts';
import { request } from './http.ts';

const shares = (id: string, rest = '') => `/api/conversations/${encodeURIComponent(id)}${rest}`;
const userList = z.object({ users: z.array(directoryUser) });

/** Who may see a conversation (the owner's share dialog), and its read-only link. */
export const sharingApi = {
  list: async (id: string): Promise<z.infer<typeof shareList>> => (await request(shares(id, '/shares'), {}, shareList))!,
  /** Everyone one can share with (signed-in users who are not disabled). */
  users: async (): Promise<DirectoryUser[]> => (await request('/api/users', {}, userList))!.users,
  put: async (id: string, userId: string, role: ShareInfo['role']): Promise<ShareInfo> =>
    (await request(shares(id, `/shares/${encodeURIComponent(userId)}`), { method: 'PUT', body: JSON.stringify({ role }) }, shareInfo))!,
  revoke: async (id: string, userId: string): Promise<void> => {
    await request(shares(id, `/shares/${encodeURIComponent(userId)}`), { method: 'DELETE' });
  },
  /** A new read-only link (any old one stops working); its address is shown only now. */
  createLink: async (id: string): Promise<z.infer<typeof createdShareLink>> => (await request(shares(id, '/share-link'), { method: 'POST' }, createdShareLink))!,
  revokeLink: async (id: string): Promise<void> => {
    await request(shares(id, '/share-link'), { method: 'DELETE' });
  },
  /** Opening a link: the conversation it shows (the server sets the cookie that lets this browser view it). */
  openLink: async (secret: string): Promise<string> => (await request('/api/share-links', { method: 'POST', body: JSON.stringify({ secret }) }, openedShareLink))!.conversationId,
};
