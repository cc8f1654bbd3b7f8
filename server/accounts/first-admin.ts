import { newId } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { AccountStore, UserRow } from '../store/index.ts';
import { createSignInLink } from './sign-in-links.ts';

export interface Bootstrap {
  /** The oldest admin: whom `TALKBOOK_TOKEN` acts for. */
  admin: UserRow;
  /** A one-time sign-in link code for that admin, when it needs one to get in. */
  signInCode: string | undefined;
}

/**
 * At start: an empty user table gets an admin (`admin`, no password yet); conversations from
 * before accounts go to the oldest admin. While that admin has no other way in (no password, no
 * OpenID identity) a one-time, short-lived link is made for it, so `npm start` ends with one
 * link to click.
 */
export async function bootstrapAccounts(store: AccountStore, log: Logger, options: { now?: () => number } = {}): Promise<Bootstrap> {
  const now = options.now ?? Date.now;
  if ((await store.countUsers()) === 0) {
    await store.createUser({
      id: newId(),
      username: 'admin',
      displayName: 'Admin',
      email: null,
      role: 'admin',
      passwordHash: null,
      oidcIssuer: null,
      oidcSubject: null,
      createdAt: new Date(now()).toISOString(),
    });
    log.info('created the first user, "admin" (an admin without a password: sign in with the printed link)');
  }
  const admin = await store.firstAdmin();
  if (!admin) throw new Error('no admin is left who is not disabled: enable one in the database (users.disabled), or start on an empty database');
  const adopted = await store.adoptOrphans(admin.id);
  if (adopted > 0) log.info(`${adopted} conversation(s) from before accounts now belong to ${admin.username ?? admin.displayName}`);
  const needsLink = admin.passwordHash === null && admin.oidcSubject === null;
  return { admin, signInCode: needsLink ? await createSignInLink(store, admin.id, { now: now() }) : undefined };
}
