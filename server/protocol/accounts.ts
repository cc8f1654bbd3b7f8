import { z } from 'zod';

/** Accounts over HTTP (`/api/auth`, `/api/tokens`, `/api/admin`, shares): the bodies and answers both sides validate. */
export const userRole = z.enum(['admin', 'member']);
export const shareRole = z.enum(['viewer', 'editor']);

export const publicUser = z.object({
  id: z.string(),
  username: z.string().nullable(),
  displayName: z.string(),
  email: z.string().nullable(),
  role: userRole,
  disabled: z.boolean(),
  hasPassword: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
});
export type PublicUser = z.infer<typeof publicUser>;

/** `GET /api/auth/session`; also the answer of `POST /api/auth/password`. */
export const sessionInfo = z.object({
  user: publicUser,
  via: z.enum(['session', 'token', 'api-token']).optional(),
  /** Send as `X-CSRF-Token` on every state-changing request made with the cookie. */
  csrfToken: z.string().optional(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

/**
 * `GET /api/auth/methods` (no sign-in needed): what the sign-in page offers. `oidc` when an
 * OpenID provider is configured: its name for "Sign in with <name>", and the address the
 * button opens (a top-level navigation to the provider and back).
 */
export const signInMethods = z.object({ password: z.boolean(), oidc: z.object({ name: z.string(), startUrl: z.string().startsWith('/') }).nullable() });
export type SignInMethods = z.infer<typeof signInMethods>;

export const usernameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits and . _ @ - only, starting with a letter or digit');
const password = z.string().min(1).max(512);

export const passwordSignInBody = z.object({ username: z.string().trim().min(1).max(100), password });
export const setPasswordBody = z.object({ currentPassword: password.optional(), newPassword: password });
export const createUserBody = z.object({
  username: usernameSchema,
  password,
  role: userRole.default('member'),
  displayName: z.string().trim().min(1).max(100).optional(),
  email: z.string().trim().email().max(200).optional(),
});
export const updateUserBody = z.object({ role: userRole.optional(), disabled: z.boolean().optional() });

export const createTokenBody = z.object({ name: z.string().trim().min(1).max(100) });
export const apiTokenInfo = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
export type ApiTokenInfo = z.infer<typeof apiTokenInfo>;
/** `POST /api/tokens`: the token itself is in this answer only. */
export const createdToken = z.object({ id: z.string(), token: z.string() });

export const shareBody = z.object({ role: shareRole });
export const shareInfo = z.object({ userId: z.string(), displayName: z.string(), username: z.string().nullable(), role: shareRole });
export type ShareInfo = z.infer<typeof shareInfo>;
/** `GET /api/users`: whom a conversation can be shared with. */
export const directoryUser = z.object({ id: z.string(), displayName: z.string(), username: z.string().nullable() });
export type DirectoryUser = z.infer<typeof directoryUser>;

/** `GET /api/conversations/:id/shares` (owner): who has access, and whether a read-only link exists. */
export const shareList = z.object({ link: z.boolean(), shares: z.array(shareInfo) });
/** `POST /api/conversations/:id/share-link`: the link (shown once: only its hash is kept). */
export const createdShareLink = z.object({ path: z.string(), url: z.string() });
/** `POST /api/share-links`: open a read-only link (the secret after `#` in its address). */
export const openShareLinkBody = z.object({ secret: z.string().min(1).max(200) });
export const openedShareLink = z.object({ conversationId: z.string() });

/** `GET /api/admin/usage` (admins): per user, the kernels running now, what the store holds, open sockets; and the limits. */
export const userUsage = z.object({
  userId: z.string(),
  kernels: z.array(z.object({ conversationId: z.string(), title: z.string(), busy: z.boolean() })),
  /** Store bytes of the user's conversations: cells, outputs, their payloads, stored checkpoints (not workspace files). */
  storageBytes: z.number(),
  conversations: z.number(),
  /** Conversation sockets open now. */
  sockets: z.number(),
});
export type UserUsage = z.infer<typeof userUsage>;
export const adminUsage = z.object({
  limits: z.object({ maxKernelsPerUser: z.number().nullable(), storageQuotaBytes: z.number().nullable() }),
  users: z.array(userUsage),
});
export type AdminUsage = z.infer<typeof adminUsage>;
export const auditEntry = z.object({ at: z.string(), actorId: z.string().nullable(), action: z.string(), target: z.string().nullable(), detail: z.string().nullable() });
export type AuditEntryInfo = z.infer<typeof auditEntry>;
